#pragma once
// Child processes for tests that kill, limit, time or measure them: the fmpipe binary of this
// build, or a function run in a forked copy of the test.

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fmtest {

/// How a child ended.
struct ChildExit {
  int code = -1;           ///< exit status, or 128 + signal number
  bool timed_out = false;  ///< still running at the deadline, so killed with SIGKILL
  double peak_rss_mb = 0;  ///< its peak resident memory, as the kernel reports it (getrusage)
  double seconds = 0;      ///< from start to exit
};

/// Limits set in the child before the program starts.
struct ChildLimits {
  /// RLIMIT_FSIZE in bytes; SIGXFSZ is ignored, so a write past it fails with EFBIG.
  std::optional<rlim_t> file_size_bytes;
};

/// A running child process, killed (SIGKILL) if still running when this object goes away.
class ChildProcess {
 public:
  /// Starts this build's fmpipe with `args` and `environment` ("NAME=value", taking precedence
  /// over this process's environment). Its stdout and stderr go to a log file: output().
  static ChildProcess fmpipe(const std::vector<std::string>& args,
                             const std::vector<std::string>& environment,
                             const ChildLimits& limits = {});
  /// Runs `body` in a forked copy of this process; its return value is the exit status (an
  /// exception: status 2, its message on stderr). The child ends with _exit, so it never runs
  /// the destructors of the parent's objects (connections, temporary folders).
  static ChildProcess fork(const std::function<int()>& body);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  /// Sends a signal (SIGKILL, SIGTERM...).
  void signal(int number) const;
  /// Whether it is still running (reaps it when it has ended).
  bool running();
  /// Waits for it to end, killing it with SIGKILL at `timeout`.
  ChildExit wait(std::chrono::milliseconds timeout);
  /// What an fmpipe child has printed so far (empty for a forked function).
  std::string output() const;

 private:
  ChildProcess(pid_t pid, std::filesystem::path log);
  /// Reaps the child if it has ended (or waits for it when `block`); true once it has.
  bool reap(bool block);

  pid_t pid_ = -1;
  std::filesystem::path log_;
  std::chrono::steady_clock::time_point started_;
  std::optional<ChildExit> exit_;
};

/// The fmpipe binary of this build.
std::filesystem::path fmpipe_binary();

}  // namespace fmtest
