// Speed of the region analyses, and the pupil figure of the real mouse face.
//  - pupil: the fit per frame on the real video (800x480, H.264, from ../shared, skipped when
//    absent), a 66 x 108 region around the eye with a reflector over the corneal reflection;
//    decoding is not counted. Also the number of frames where the fit failed (expected 0).
//  - running: phase correlation per frame on the synthetic face's 50 x 160 wheel patch.
//  - synthetic face: generating one 256 x 256 frame.
// `bench_roi --figure [out.png]` also draws docs/figures/real_pupil.png (or `out.png`): the area
// trace and five frames with their fitted ellipses (facemap/figures/pupil_figure.hpp).

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "facemap/figures/pupil_figure.hpp"
#include "facemap/roi/region_crop.hpp"
#include "facemap/roi/roi.hpp"
#include "synth/synthetic_face.hpp"

namespace {

using Clock = std::chrono::steady_clock;

void report(const char* name, double value, const char* unit) {
  std::printf("figure %s %.3f %s\n", name, value, unit);
}

// The real video's pupil region: the eye (pupil near row 278, col 357, dark 24-45, iris ~90)
// with room for the pupil's dilation, and an elliptic reflector over the corneal reflection
// (~240, wandering a few pixels around row 277.5, col 360) and its halo.
facemap::Roi real_pupil_region() {
  facemap::Roi roi = facemap::rectangle_region(facemap::RoiType::pupil, 245, 298, 66, 108);
  roi.name = "eye";
  roi.saturation = 60;
  facemap::RoiMask reflector(roi.yrange.size(), roi.xrange.size());
  for (Eigen::Index y = 0; y < reflector.rows(); ++y) {
    for (Eigen::Index x = 0; x < reflector.cols(); ++x) {
      const double dy = (roi.yrange[y] - 277.5) / 9, dx = (roi.xrange[x] - 360.0) / 16;
      reflector(y, x) = dy * dy + dx * dx <= 1;
    }
  }
  roi.reflectors.push_back(reflector);
  return roi;
}

void measure_real_pupil(const std::filesystem::path& video, const std::filesystem::path& figure) {
  if (!std::filesystem::exists(video)) {
    std::printf("skipped the real pupil: %s is absent\n", video.c_str());
    return;
  }
  const facemap::Recording recording({video});
  const facemap::Roi roi = real_pupil_region();
  facemap::RoiAnalyzer analyzer({roi}, recording.view_sizes());
  const facemap::PupilFitter fitter(roi, recording.view_sizes()[0]);
  const int last = recording.nframes() - 1;
  const std::vector<int> shown = {0, last / 4, last / 2, 3 * last / 4, last};
  std::vector<facemap::PupilFigurePanel> panels;
  Clock::duration fitting{};
  recording.for_each_batch([&](const facemap::FrameBatch& batch) {
    const auto start = Clock::now();
    analyzer.add(batch);
    fitting += Clock::now() - start;
    for (int i = 0; i < batch.size(); ++i) {
      const int t = batch.first_frame + i;
      if (std::find(shown.begin(), shown.end(), t) == shown.end()) continue;
      const facemap::GrayFrame& frame = batch.views[0][i];
      panels.push_back({t, frame, fitter.fit(frame)});
    }
  });
  const facemap::RoiTraces traces = analyzer.finish();
  const facemap::PupilTrace& pupil = traces.pupils.at(0);
  report("roi_pupil_fit_real_us_per_frame",
         std::chrono::duration<double, std::micro>(fitting).count() / recording.nframes(), "us");
  report("roi_pupil_failed_frames_real", double(pupil.area.array().isNaN().count()), "frames");
  if (figure.empty()) return;
  facemap::write_pupil_figure(figure,
                              "Pupil fit on the real mouse face (" + video.filename().string() +
                                  ", " + std::to_string(recording.nframes()) + " frames)",
                              pupil, roi, panels);
  std::printf("wrote %s\n", figure.c_str());
}

void measure_synthetic() {
  facemap::SynthParams params;
  params.nframes = 300;
  const facemap::SyntheticFace face(params);
  std::vector<facemap::GrayFrame> frames;
  const auto start = Clock::now();
  for (int t = 0; t < params.nframes; ++t) frames.push_back(face.frame(t));
  const std::chrono::duration<double, std::milli> generating = Clock::now() - start;
  report("synth_frame_256x256_ms", generating.count() / params.nframes, "ms");

  facemap::RunningTracker tracker(face.rois().running, face.view_sizes()[0]);
  const auto running_start = Clock::now();
  for (const facemap::GrayFrame& frame : frames) tracker.add(frame);
  const std::chrono::duration<double, std::micro> running = Clock::now() - running_start;
  report("roi_running_50x160_us_per_frame", running.count() / params.nframes, "us");
}

}  // namespace

int main(int argc, char** argv) {
  // The project's root: CMake compiles this file by its absolute path.
  const std::filesystem::path source = std::filesystem::path(__FILE__).parent_path().parent_path();
  std::filesystem::path figure;
  if (argc > 1 && std::strcmp(argv[1], "--figure") == 0)
    figure = argc > 2 ? std::filesystem::path(argv[2]) : source / "docs/figures/real_pupil.png";
  measure_real_pupil(source / "../shared/fixtures/real/mouse_face_800x480.mp4", figure);
  measure_synthetic();
}
