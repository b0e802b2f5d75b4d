#include "support/log_capture.hpp"

#include <spdlog/sinks/ostream_sink.h>

namespace fmtest {

LogCapture::LogCapture() : previous_(spdlog::default_logger()) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines_);
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  logger->set_pattern("%l: %v");
  logger->set_level(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

LogCapture::~LogCapture() {
  spdlog::set_default_logger(previous_);
}

std::string LogCapture::text() const {
  spdlog::default_logger()->flush();
  return lines_.str();
}

}  // namespace fmtest
