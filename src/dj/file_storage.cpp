// The file protocol (dj/storage.hpp): objects are files under the store's folder.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "dj/storage.hpp"
#include "storage_protocols.hpp"

namespace dj {
namespace {

namespace fs = std::filesystem;

// A name no other writer uses at the same time, in the object's own folder so that the rename
// stays within one file system.
fs::path temporary_name(const fs::path& target) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::ostringstream name;
  name << target.filename().string() << "." << getpid() << "." << std::hex << random()
       << ".saving";
  return target.parent_path() / name.str();
}

class FileStorage : public Storage {
 public:
  explicit FileStorage(StoreSpec spec) : Storage(std::move(spec)), root_(this->spec().location) {
    std::error_code error;
    if (!fs::is_directory(root_, error))
      throw StoreError(this->spec().describe() + ": the folder " + root_.string() +
                       " does not exist or cannot be reached");
  }

  void put(const std::string& path, std::string_view bytes) override {
    const fs::path target = root_ / path;
    std::error_code error;
    fs::create_directories(target.parent_path(), error);
    if (error) throw this->error(path, "cannot create its folder: " + error.message());
    const fs::path temporary = temporary_name(target);
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw this->error(path, std::string("cannot be created: ") + std::strerror(errno));
    std::size_t written = 0;
    int failure = 0;
    while (written < bytes.size() && failure == 0) {
      const ssize_t count = ::write(fd, bytes.data() + written, bytes.size() - written);
      if (count < 0 && errno != EINTR) failure = errno;
      if (count > 0) written += static_cast<std::size_t>(count);
    }
    // The data reaches the disk before the rename makes it visible under its name.
    if (failure == 0 && ::fsync(fd) != 0) failure = errno;
    if (::close(fd) != 0 && failure == 0) failure = errno;
    if (failure == 0 && std::rename(temporary.c_str(), target.c_str()) != 0) failure = errno;
    if (failure != 0) {
      fs::remove(temporary, error);
      throw this->error(path, "cannot be written (" + std::to_string(bytes.size()) +
                                  " bytes): " + std::strerror(failure));
    }
  }

  std::string get(const std::string& path) const override {
    std::ifstream in(root_ / path, std::ios::binary);
    if (!in) throw error(path, "does not exist or cannot be read");
    std::ostringstream contents;
    contents << in.rdbuf();
    if (in.bad()) throw error(path, "could not be read to its end");
    return contents.str();
  }

  bool exists(const std::string& path) const override {
    std::error_code error;
    return fs::is_regular_file(root_ / path, error);
  }

  void remove(const std::string& path) override {
    std::error_code error;
    fs::remove(root_ / path, error);
    if (error) throw this->error(path, "cannot be removed: " + error.message());
  }

  std::vector<StoredObject> list(const std::string& prefix) const override {
    std::vector<StoredObject> objects;
    const fs::path start = prefix.empty() ? root_ : root_ / prefix;
    std::error_code error;
    if (!fs::is_directory(start, error)) return objects;
    for (auto it = fs::recursive_directory_iterator(start, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (!it->is_regular_file(error)) continue;
      objects.push_back({fs::relative(it->path(), root_).generic_string(),
                         static_cast<std::uint64_t>(it->file_size(error))});
    }
    if (error) throw this->error(prefix, "cannot be listed: " + error.message());
    return objects;
  }

 private:
  fs::path root_;
};

}  // namespace

std::unique_ptr<Storage> open_file_storage(const StoreSpec& spec) {
  return std::make_unique<FileStorage>(spec);
}

}  // namespace dj
