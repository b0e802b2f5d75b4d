#pragma once
// Running a helper program (initdb, pg_ctl) and collecting its output, optionally as another
// account. Written by hand because no library here runs a child under a different uid.

#include <optional>
#include <string>
#include <vector>

namespace dj::detail {

struct ProgramResult {
  int exit_code = -1;  ///< exit status, or 128 + signal number
  std::string output;  ///< stdout and stderr, interleaved
};

/// Runs `argv` (argv[0] is a full path) and waits for it. When `run_as` names an account, the
/// child switches to that account's uid, gid and groups before exec (the caller must be root).
ProgramResult run_program(const std::vector<std::string>& argv,
                          const std::optional<std::string>& run_as = std::nullopt);

}  // namespace dj::detail
