#include "subprocess.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace dj::detail {
namespace {

[[noreturn]] void child_fail(const char* what) {
  // Only async-signal-safe calls between fork and exec.
  const char* reason = strerror(errno);
  (void)!write(STDERR_FILENO, what, strlen(what));
  (void)!write(STDERR_FILENO, ": ", 2);
  (void)!write(STDERR_FILENO, reason, strlen(reason));
  _exit(127);
}

struct Account {
  uid_t uid;
  gid_t gid;
  std::string name;
  std::string home;
};

Account look_up_account(const std::string& name) {
  passwd entry{};
  passwd* found = nullptr;
  std::array<char, 4096> buffer{};
  if (getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
    throw std::runtime_error("account '" + name + "' does not exist");
  }
  return {found->pw_uid, found->pw_gid, found->pw_name, found->pw_dir};
}

}  // namespace

ProgramResult run_program(const std::vector<std::string>& argv,
                          const std::optional<std::string>& run_as) {
  if (argv.empty()) throw std::invalid_argument("run_program: empty command");
  std::optional<Account> account;
  if (run_as) account = look_up_account(*run_as);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // Prepared before fork: the child may not allocate.
  std::string home_env = account ? "HOME=" + account->home : std::string();
  std::string user_env = account ? "USER=" + account->name : std::string();

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe: " + std::string(strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork: " + std::string(strerror(errno)));
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    if (account) {
      if (setgid(account->gid) != 0) child_fail("setgid");
      if (initgroups(account->name.c_str(), account->gid) != 0) child_fail("initgroups");
      if (setuid(account->uid) != 0) child_fail("setuid");
      putenv(home_env.data());
      putenv(user_env.data());
      // The caller's working folder may be closed to the service account.
      if (chdir("/") != 0) child_fail("chdir");
    }
    execv(args[0], args.data());
    child_fail(args[0]);
  }
  close(pipe_fds[1]);
  ProgramResult result;
  std::array<char, 4096> chunk{};
  for (;;) {
    ssize_t n = read(pipe_fds[0], chunk.data(), chunk.size());
    if (n > 0) {
      result.output.append(chunk.data(), static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace dj::detail
