#include "worker_processes.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "dj/populate.hpp"

namespace fmpipe::cli {
namespace {

/// Writes all of `text` to `fd`, as far as the reader lets it.
void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

/// The child's side: runs the body, sends its text up the pipe, and exits with its status.
[[noreturn]] void run_child(int index, const std::function<ProcessReport(int)>& body, int fd) {
  ProcessReport report;
  try {
    report = body(index);
  } catch (const std::exception& e) {
    spdlog::error("worker {}: {}", getpid(), e.what());
    report = {1, e.what()};
  }
  write_all(fd, report.text);
  close(fd);
  _exit(report.exit_code);
}

/// Passes a requested stop on to the children (a signal interrupted the parent's wait).
void forward_stop(const std::vector<pid_t>& children) {
  if (!dj::stop_requested()) return;
  for (pid_t child : children) kill(child, SIGTERM);
}

/// Reads `fd` to its end (the child exited or closed it), then closes it.
std::string read_all(int fd, const std::vector<pid_t>& children) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      forward_stop(children);
      continue;
    }
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return text;
}

/// Waits for `pid`; its exit status, or 128 + the signal that killed it.
int wait_for(pid_t pid, const std::vector<pid_t>& children) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) forward_stop(children);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
}

}  // namespace

std::vector<ProcessReport> run_in_processes(int count,
                                            const std::function<ProcessReport(int)>& body) {
  std::vector<pid_t> children;
  std::vector<int> pipes;
  for (int index = 0; index < count; ++index) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("cannot create a pipe for a worker process");
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("cannot start worker process");
    if (pid == 0) {
      close(fds[0]);
      for (int other : pipes) close(other);
      run_child(index, body, fds[1]);
    }
    close(fds[1]);
    children.push_back(pid);
    pipes.push_back(fds[0]);
  }
  dj::install_stop_handlers();
  std::vector<ProcessReport> reports;
  for (size_t i = 0; i < children.size(); ++i) {
    ProcessReport report;
    report.text = read_all(pipes[i], children);
    report.exit_code = wait_for(children[i], children);
    if (report.exit_code != 0 && report.text.empty())
      report.text = "worker process " + std::to_string(children[i]) + " ended with status " +
                    std::to_string(report.exit_code);
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace fmpipe::cli
