#pragma once
// Progress of long work: a bar with rate and ETA on a terminal, periodic log lines otherwise.
// Written by hand: Debian ships no C++ progress-bar library.

#include <chrono>
#include <string>

namespace dj {

/// Reports progress of `total` steps under a label. Not thread-safe.
class Progress {
 public:
  /// `enabled` false makes every call a no-op. `log_interval` paces log lines off a terminal.
  Progress(std::string label, long long total, bool enabled = true,
           std::chrono::seconds log_interval = std::chrono::seconds(10));
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// One more step done (`failed` counts it as an error too).
  void step(bool failed = false);
  /// Ends the display with a summary line.
  void finish();

  /// "12.3/s", "3m05s" and friends (exposed for tests).
  static std::string format_duration(double seconds);

 private:
  void draw(bool final_line);

  std::string label_;
  long long total_, done_ = 0, failed_ = 0;
  bool enabled_, terminal_, finished_ = false;
  std::chrono::seconds log_interval_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace dj
