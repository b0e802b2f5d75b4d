// Speed of the whole keypoint pipeline (decode, preprocess, network, keypoints) as a ratio to the
// bare network forward pass on the same number of frames in the same run, so that the machine's
// speed and load cancel out; the target is at least 0.9 (decoding and the small steps hidden
// behind the network). Network: Facemap's full configuration (channels 16..200), batches of 8.
// Videos: the real mouse face (640x480 H.264, tests/data/svd; its first 64 frames) and a
// synthetic 256x256 face written as FFV1 for this run. Each time is the best of three runs,
// the network's and the pipeline's taken in turn.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "bench_timing.hpp"
#include "facemap/pose/pose.hpp"
#include "facemap/pose/pose_preprocess.hpp"
#include "synth/synthetic_face.hpp"

namespace {

constexpr int kFrames = 64;
constexpr int kBatch = 8;

void report(const std::string& name, double value, const char* unit) {
  std::printf("figure %s %.3f %s\n", name.c_str(), value, unit);
}

void measure(const std::string& name, const facemap::FrameSource& video,
             const facemap::PoseModel& model) {
  // The bare network runs on the video's own first batch, preprocessed beforehand: its speed
  // depends a little on the data (an all-zero input runs faster).
  std::vector<facemap::GrayFrame> first;
  video.read(0, kBatch, [&](const facemap::FrameBatch& frames) { first = frames.views[0]; });
  const facemap::FrameSize size = video.view_sizes()[0];
  const facemap::RowMajorArray batch =
      facemap::preprocess_frames(first, facemap::CropBox::full_frame(size.height, size.width));
  facemap::PoseOptions options;
  options.batch_size = kBatch;
  options.frame_count = kFrames;
  // Alternating the two keeps slow phases of the machine from favouring either.
  double network = 1e30, pipeline = 1e30;
  for (int run = 0; run < 3; ++run) {
    network = std::min(network, fmbench::best_seconds(
                                    [&] {
                                      for (int done = 0; done < kFrames; done += kBatch)
                                        model.forward(batch);
                                    },
                                    1));
    pipeline = std::min(
        pipeline, fmbench::best_seconds([&] { facemap::predict_pose(video, model, options); }, 1));
  }
  report("pose_" + name + "_network_fps", kFrames / network, "frames/s");
  report("pose_" + name + "_pipeline_fps", kFrames / pipeline, "frames/s");
  report("pose_" + name + "_pipeline_to_network", network / pipeline, "ratio");
}

}  // namespace

int main() {
  // The project's root: CMake compiles this file by its absolute path.
  const std::filesystem::path source = std::filesystem::path(__FILE__).parent_path().parent_path();
  const facemap::PoseModel model;  // Facemap's configuration; weights do not change the speed

  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("fmpipe_bench_pose_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  facemap::SynthParams params;
  params.nframes = kFrames;
  facemap::write_synthetic_video(facemap::SyntheticFace(params), folder / "face.avi",
                                 folder / "face_truth.npy");
  measure("synth_256x256", facemap::Recording({folder / "face.avi"}), model);
  std::filesystem::remove_all(folder);

  measure("mouse_face_640x480",
          facemap::Recording({source / "tests/data/svd/mouse_face_640x480.mp4"}), model);
}
