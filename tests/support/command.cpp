#include "support/command.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include "support/test_database.hpp"

extern char** environ;

namespace fmtest {

CommandResult run_command(const std::vector<std::string>& argv,
                          const std::vector<std::string>& extra_environment,
                          const std::optional<std::string>& input) {
  std::vector<std::string> environment(extra_environment);
  for (char** variable = environ; *variable; ++variable) environment.emplace_back(*variable);
  std::vector<char*> args, env;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  for (const auto& variable : environment) env.push_back(const_cast<char*>(variable.c_str()));
  args.push_back(nullptr);
  env.push_back(nullptr);

  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  int input_fds[2] = {-1, -1};
  if (input && pipe(input_fds) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  if (input) {
    posix_spawn_file_actions_addclose(&actions, input_fds[1]);
    posix_spawn_file_actions_adddup2(&actions, input_fds[0], STDIN_FILENO);
  }
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (input) {
    close(input_fds[0]);
    // A short answer fits the pipe's buffer: written whole before the output is read. A program
    // that ended without reading it closed the pipe: EPIPE then, not a SIGPIPE that kills us.
    const auto previous = std::signal(SIGPIPE, SIG_IGN);
    const bool written =
        spawned != 0 || write(input_fds[1], input->data(), input->size()) >= 0 || errno == EPIPE;
    std::signal(SIGPIPE, previous);
    close(input_fds[1]);
    if (!written)
      throw std::runtime_error(std::string("write to ") + argv[0] + ": " + std::strerror(errno));
  }
  if (spawned != 0) {
    close(pipe_fds[0]);
    throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(spawned));
  }
  CommandResult result;
  char buffer[65536];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

CommandResult run_psql(const std::string& sql) {
  return run_command({"psql", "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1", "-d",
                      database_url(), "-c", sql});
}

}  // namespace fmtest
