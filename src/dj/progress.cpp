#include "dj/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include <spdlog/spdlog.h>

namespace dj {

Progress::Progress(std::string label, long long total, bool enabled,
                   std::chrono::seconds log_interval)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled && total > 0),
      terminal_(isatty(STDERR_FILENO) != 0),
      log_interval_(log_interval),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  if (enabled_ && !finished_) finish();
}

std::string Progress::format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "?";
  const long long s = static_cast<long long>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", s / 3600, s / 60 % 60);
  } else if (s >= 60) {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%llds", s);
  }
  return buffer;
}

void Progress::step(bool failed) {
  if (!enabled_) return;
  ++done_;
  if (failed) ++failed_;
  const auto now = std::chrono::steady_clock::now();
  const bool due = terminal_ ? now - last_draw_ > std::chrono::milliseconds(100)
                             : now - last_draw_ >= log_interval_;
  if (due || done_ == total_) draw(false);
}

void Progress::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final_line) {
  last_draw_ = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(last_draw_ - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : -1;
  char rate_text[32];
  std::snprintf(rate_text, sizeof rate_text, "%.2f/s", rate);
  const std::string errors = failed_ ? ", " + std::to_string(failed_) + " errors" : "";
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = total_ ? static_cast<int>(kWidth * done_ / total_) : kWidth;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %lld/%lld %s ETA %s%s", label_.c_str(), bar.c_str(), done_,
                 total_, rate_text, format_duration(eta).c_str(), errors.c_str());
    if (final_line) std::fprintf(stderr, " in %s\n", format_duration(elapsed).c_str());
    std::fflush(stderr);
  } else if (final_line) {
    spdlog::info("{}: {}/{} done in {} ({}){}", label_, done_, total_, format_duration(elapsed),
                 rate_text, errors);
  } else {
    spdlog::info("{}: {}/{} ({}, ETA {}){}", label_, done_, total_, rate_text, format_duration(eta),
                 errors);
  }
}

}  // namespace dj
