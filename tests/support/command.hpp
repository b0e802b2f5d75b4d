#pragma once
// Running a real program from a test (psql, python3, the fmpipe binary) and collecting what it
// printed.

#include <optional>
#include <string>
#include <vector>

namespace fmtest {

struct CommandResult {
  int exit_code = -1;  ///< exit status, or 128 + signal number
  std::string output;  ///< stdout and stderr together
};

/// Runs `argv` (argv[0] is looked up on PATH) with `extra_environment` ("NAME=value") added to
/// this process's environment, and waits for it. With `input`, its standard input is a pipe that
/// gives that text (never a terminal); without, it shares this process's.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::vector<std::string>& extra_environment = {},
                          const std::optional<std::string>& input = std::nullopt);

/// psql on the tests' database: `sql` run with ON_ERROR_STOP, unaligned, tuples only, fields
/// separated by '|'.
CommandResult run_psql(const std::string& sql);

}  // namespace fmtest
