#include "support/child_process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/test_database.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace fmtest {
namespace {

/// The pointers execve wants, into strings that outlive the call.
std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

fs::path fmpipe_binary() {
  return fs::path(FMPIPE_BINARY_DIR) / "fmpipe";
}

ChildProcess::ChildProcess(pid_t pid, fs::path log)
    : pid_(pid), log_(std::move(log)), started_(std::chrono::steady_clock::now()) {}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_),
      log_(std::move(other.log_)),
      started_(other.started_),
      exit_(std::move(other.exit_)) {
  other.pid_ = -1;
  other.log_.clear();
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reap(false)) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  if (!log_.empty()) {
    std::error_code ignored;
    fs::remove(log_, ignored);
  }
}

ChildProcess ChildProcess::fmpipe(const std::vector<std::string>& args,
                                  const std::vector<std::string>& environment,
                                  const ChildLimits& limits) {
  // Everything the child needs is prepared before fork(): between fork and exec only
  // async-signal-safe calls are allowed (the test process may have threads).
  std::vector<std::string> argv{fmpipe_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env(environment);  // first: getenv() finds these before the others
  for (char** variable = environ; *variable; ++variable) env.emplace_back(*variable);
  std::vector<char*> argv_c = c_strings(argv), env_c = c_strings(env);
  const fs::path log = fs::temp_directory_path() / (unique_schema_name("fmpipe_child") + ".log");
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0)
    throw std::runtime_error("cannot create " + log.string() + ": " + strerror(errno));
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    if (limits.file_size_bytes) {
      const rlimit limit{*limits.file_size_bytes, *limits.file_size_bytes};
      setrlimit(RLIMIT_FSIZE, &limit);
      ::signal(SIGXFSZ, SIG_IGN);  // ignored signals stay ignored across exec
    }
    execve(argv_c[0], argv_c.data(), env_c.data());
    _exit(127);
  }
  close(log_fd);
  return ChildProcess(pid, log);
}

ChildProcess ChildProcess::fork(const std::function<int()>& body) {
  std::fflush(nullptr);  // the child must not print the parent's buffered output again
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    int code = 2;
    try {
      code = body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child %d failed: %s\n", getpid(), e.what());
    }
    std::fflush(nullptr);
    _exit(code);
  }
  return ChildProcess(pid, {});
}

void ChildProcess::signal(int number) const {
  ::kill(pid_, number);
}

bool ChildProcess::reap(bool block) {
  if (exit_) return true;
  int status = 0;
  rusage usage{};
  pid_t done = 0;
  do {
    done = wait4(pid_, &status, block ? 0 : WNOHANG, &usage);
  } while (done < 0 && errno == EINTR);
  if (done != pid_) return false;
  ChildExit result;
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  exit_ = result;
  return true;
}

bool ChildProcess::running() {
  return !reap(false);
}

ChildExit ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reap(false)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      reap(true);
      exit_->timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return *exit_;
}

std::string ChildProcess::output() const {
  std::ifstream file(log_);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace fmtest
