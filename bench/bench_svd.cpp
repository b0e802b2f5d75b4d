// Speed of the full-frame motion + movie SVD analysis (sbin 4, Facemap's defaults otherwise),
// as a ratio to merely decoding the same video to grayscale, measured in the same run so that
// the machine's speed and load cancel out. The decoding baseline is OpenCV alone, as Facemap
// reads videos: cv::VideoCapture (FFmpeg back-end) and cvtColor to gray into one reused image.
// The engine's own reader (libavcodec directly, OpenCV's gray values) is timed too. Each time is
// the best of five runs (with its CPU time, all threads). Videos: the real mouse face (800x480,
// H.264, from
// ../shared, skipped when absent) and a 640x480 crop of it (tests/data/svd).

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "facemap/svd/process.hpp"

namespace {

/// CPU time of the whole process, all threads (user + system).
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

// Runs per measurement: the machine's load varies from second to second, and the best run of
// each is the one least disturbed.
constexpr int kRuns = 5;

struct Timing {
  double wall = 1e30;  ///< the best of the runs
  double cpu = 0;      ///< the CPU time of that run
};

Timing best_of_runs(const std::function<void()>& work) {
  Timing best;
  for (int run = 0; run < kRuns; ++run) {
    const double cpu_start = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    work();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (elapsed.count() < best.wall) best = {elapsed.count(), cpu_seconds() - cpu_start};
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
  const Timing decode = best_of_runs([&] {
    cv::VideoCapture capture(video.string(), cv::CAP_FFMPEG);
    cv::Mat frame, gray;
    while (capture.read(frame)) cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
  });
  const Timing reader = best_of_runs([&] { recording.for_each_batch([](const auto&) {}); });
  facemap::SvdParams params;
  params.sbin = 4;
  params.motion_svd = true;
  params.movie_svd = true;
  // When each stage last reported, from the start of the analysis (of the last run): where the
  // time goes beyond decoding.
  std::map<std::string, double> stage_ends;
  const Timing analysis = best_of_runs([&] {
    const auto start = std::chrono::steady_clock::now();
    facemap::process_recording(recording, params, [&](const facemap::Progress& progress) {
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
      stage_ends[progress.stage] = elapsed.count();
    });
  });
  report("svd_" + name + "_decode_seconds", decode.wall, "s");
  report("svd_" + name + "_decode_cpu_seconds", decode.cpu, "s");
  report("svd_" + name + "_engine_reader_seconds", reader.wall, "s");
  report("svd_" + name + "_engine_reader_cpu_seconds", reader.cpu, "s");
  report("svd_" + name + "_analysis_seconds", analysis.wall, "s");
  report("svd_" + name + "_analysis_cpu_seconds", analysis.cpu, "s");
  for (const auto& [stage, end] : stage_ends) {
    std::string key = stage;
    std::replace(key.begin(), key.end(), ' ', '_');
    report("svd_" + name + "_stage_" + key + "_ends_at", end, "s");
  }
  report("svd_" + name + "_ratio_to_decode", analysis.wall / decode.wall, "x");
  report("svd_" + name + "_frames_per_second", recording.nframes() / analysis.wall, "frames/s");
}

}  // namespace

int main() {
  // The project's root: CMake compiles this file by its absolute path.
  const std::filesystem::path source = std::filesystem::path(__FILE__).parent_path().parent_path();
  measure("mouse_face_800x480", source / "../shared/fixtures/real/mouse_face_800x480.mp4");
  measure("mouse_face_640x480", source / "tests/data/svd/mouse_face_640x480.mp4");
}
