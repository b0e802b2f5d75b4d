#pragma once
// Running one body in several forked processes (fmpipe populate/worker --workers N) and
// collecting what each reports back.
//
// Each process must open its own database session: a forked child shares its parent's socket,
// so it never touches the parent's session, and it ends with _exit so that no destructor of the
// parent's objects (which would close that session) runs in it.

#include <functional>
#include <string>

#include <vector>

namespace fmpipe::cli {

/// What one process reports back: its exit status and a line of text for the parent.
struct ProcessReport {
  int exit_code = 0;  ///< exit status, or 128 + signal number when it died by a signal
  std::string text;   ///< what the body returned, or the message of what it threw
};

/// Runs body(index) for index 0..count-1, each in a forked process, and waits for all of them;
/// returns their reports in index order. A body that throws is logged, and its process exits 1
/// with the exception's message as its text. SIGTERM and SIGINT received meanwhile are passed
/// on to the processes (each returns its key in hand to pending and stops).
std::vector<ProcessReport> run_in_processes(int count,
                                            const std::function<ProcessReport(int)>& body);

}  // namespace fmpipe::cli
