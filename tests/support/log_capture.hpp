#pragma once
// Collects what the library logs through spdlog while it lives, for tests that check log lines.

#include <memory>
#include <sstream>
#include <string>

#include <spdlog/spdlog.h>

namespace fmtest {

class LogCapture {
 public:
  /// Makes spdlog's default logger write into this object (level info and above).
  LogCapture();
  /// Restores the previous default logger.
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  /// Everything logged so far, one line per message: "<level>: <message>".
  std::string text() const;

 private:
  std::ostringstream lines_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace fmtest
