// Speed of the full-frame motion + movie SVD analysis (sbin 4, Facemap's defaults otherwise),
// as a ratio to merely decoding the same video to grayscale, measured in the same run so that
// the machine's speed and load cancel out. The decoding baseline is the engine's own reader
// (OpenCV's FFmpeg back-end, conversion to grayscale, nothing else). Each time is the best of
// three runs. Videos: the real mouse face (800x480, H.264, from ../shared, skipped when absent)
// and a 640x480 crop of it (tests/data/svd).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "facemap/process.hpp"

namespace {

double best_seconds(const std::function<void()>& work) {
  double best = 1e30;
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    work();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count());
  }
  return best;
}

void report(const std::string& name, double value, const char* unit) {
  std::printf("figure %s %.3f %s\n", name.c_str(), value, unit);
}

void measure(const std::string& name, const std::filesystem::path& video) {
  if (!std::filesystem::exists(video)) {
    std::printf("skipped %s: %s is absent\n", name.c_str(), video.c_str());
    return;
  }
  const facemap::Recording recording({video});
  const double decode = best_seconds([&] { recording.for_each_batch([](const auto&) {}); });
  facemap::SvdParams params;
  params.sbin = 4;
  params.motion_svd = true;
  params.movie_svd = true;
  // When each stage last reported, from the start of the analysis (of the last run): where the
  // time goes beyond decoding.
  std::map<std::string, double> stage_ends;
  const double analysis = best_seconds([&] {
    const auto start = std::chrono::steady_clock::now();
    facemap::process_recording(recording, params, [&](const facemap::Progress& progress) {
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
      stage_ends[progress.stage] = elapsed.count();
    });
  });
  report("svd_" + name + "_decode_seconds", decode, "s");
  report("svd_" + name + "_analysis_seconds", analysis, "s");
  for (const auto& [stage, end] : stage_ends) {
    std::string key = stage;
    std::replace(key.begin(), key.end(), ' ', '_');
    report("svd_" + name + "_stage_" + key + "_ends_at", end, "s");
  }
  report("svd_" + name + "_ratio_to_decode", analysis / decode, "x");
  report("svd_" + name + "_frames_per_second", recording.nframes() / analysis, "frames/s");
}

}  // namespace

int main() {
  // The project's root: CMake compiles this file by its absolute path.
  const std::filesystem::path source = std::filesystem::path(__FILE__).parent_path().parent_path();
  measure("mouse_face_800x480", source / "../shared/fixtures/real/mouse_face_800x480.mp4");
  measure("mouse_face_640x480", source / "tests/data/svd/mouse_face_640x480.mp4");
}
