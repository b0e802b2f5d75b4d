#pragma once
// Times as the pipeline's datetime columns store them.

#include <chrono>
#include <string>

namespace pipeline::detail {

/// "YYYY-MM-DD HH:MM:SS" in UTC.
std::string utc_text(std::chrono::system_clock::time_point when);

}  // namespace pipeline::detail
