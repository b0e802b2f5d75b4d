// Writing a file under a temporary name and renaming it into place (facemap/io/partial_file.hpp).

#include "facemap/io/partial_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace fs = std::filesystem;

namespace facemap {
namespace {

constexpr std::string_view kPrefix = ".fmpipe-partial-";

/// This host's name, with what a file name cannot hold replaced by '_'.
const std::string& host_name() {
  static const std::string name = [] {
    char buffer[256] = {};
    std::string host = gethostname(buffer, sizeof buffer - 1) == 0 ? buffer : "";
    for (char& c : host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
    }
    return host.empty() ? std::string("unknown") : host;
  }();
  return name;
}

/// The process that made a private folder.
struct Owner {
  pid_t pid = 0;
  std::string host;
};

/// The owner named by a private folder's name "<prefix><pid>-<n>-<host>"; nullopt for any other
/// name.
std::optional<Owner> owner_of(std::string_view name) {
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const char* const end = name.data() + name.size();
  pid_t pid = 0;
  unsigned long long sequence = 0;
  const auto [after_pid, pid_error] = std::from_chars(name.data() + kPrefix.size(), end, pid);
  if (pid_error != std::errc() || pid <= 0 || after_pid == end || *after_pid != '-') {
    return std::nullopt;
  }
  const auto [after_sequence, sequence_error] = std::from_chars(after_pid + 1, end, sequence);
  if (sequence_error != std::errc() || after_sequence == end || *after_sequence != '-') {
    return std::nullopt;
  }
  return Owner{pid, std::string(after_sequence + 1, end)};
}

/// Whether a process of this host has this id (EPERM: it runs, as another user).
bool runs(pid_t pid) {
  return kill(pid, 0) == 0 || errno == EPERM;
}

/// Removes the private folders in `folder` of processes of this host that no longer run: what a
/// killed writer left. Best effort: what cannot be removed now is left for the next writer.
void remove_stale(const fs::path& folder) {
  std::error_code error;
  for (fs::directory_iterator entry(folder, error), end; !error && entry != end;
       entry.increment(error)) {
    const auto owner = owner_of(entry->path().filename().string());
    if (!owner || owner->host != host_name() || owner->pid == getpid() || runs(owner->pid)) {
      continue;
    }
    std::error_code ignored;
    if (fs::remove_all(entry->path(), ignored) > 0) {
      spdlog::info("removed {}, left by process {}, which no longer runs", entry->path().string(),
                   owner->pid);
    }
  }
}

}  // namespace

PartialFile::PartialFile(fs::path target) : target_(std::move(target)) {
  if (target_.filename().empty()) {
    throw FileWriteError("'" + target_.string() + "' names a folder, not a file");
  }
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  remove_stale(parent);
  static std::atomic<unsigned long long> sequence{0};
  folder_ = parent / (std::string(kPrefix) + std::to_string(getpid()) + "-" +
                      std::to_string(sequence++) + "-" + host_name());
  int made = mkdir(folder_.c_str(), 0700);
  if (made != 0 && errno == EEXIST) {
    // This process never repeats a name, so the folder is a killed process's that had this pid.
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
    made = mkdir(folder_.c_str(), 0700);
  }
  if (made != 0) {
    throw FileWriteError(target_.string() + ": cannot create the temporary folder " +
                         folder_.string() + ": " + std::strerror(errno));
  }
  path_ = folder_ / target_.filename();
}

PartialFile::~PartialFile() {
  std::error_code ignored;
  fs::remove_all(folder_, ignored);
}

void PartialFile::commit() {
  const auto fail = [&](const std::string& step) {
    throw FileWriteError(target_.string() + ": " + step + ": " + std::strerror(errno));
  };
  const int file = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (file < 0) fail("cannot open the written file " + path_.string());
  const bool synced = fsync(file) == 0;
  const int sync_error = errno;
  close(file);
  if (!synced) {
    errno = sync_error;
    fail("write failed");
  }
  if (std::rename(path_.c_str(), target_.c_str()) != 0) {
    fail("cannot rename " + path_.string() + " to it");
  }
  // The new name is on disk once its folder is. Some file systems refuse to sync a folder; the
  // file's contents are on disk either way.
  const int folder = open(folder_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder >= 0) {
    fsync(folder);
    close(folder);
  }
}

}  // namespace facemap
