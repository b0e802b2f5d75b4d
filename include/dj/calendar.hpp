#pragma once
// Calendar days, for checking ISO dates by hand: std::chrono's calendar is not built with
// LibTorch's pre-C++11 ABI, which the pipeline links with.

namespace dj {

/// Whether `day` exists in `month` (1-12) of `year` (Gregorian, leap years included).
bool is_calendar_day(int year, int month, int day);

}  // namespace dj
