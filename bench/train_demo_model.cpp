// Regenerates the demo keypoint model in models/ (Facemap's released weights cannot be
// downloaded here): trains a narrow FMnet from scratch on frames of the synthetic face
// (synth/synthetic_face.hpp), whose keypoints are known, and reports its error on held-out frames of a
// differently seeded face. Deterministic: the same machine and thread count give the same files.
//
//   train_demo_model [output folder, default <project>/models]
//
// Prints `figure` lines: training time and the held-out median / 90th-percentile error.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "facemap/pose/pose.hpp"
#include "facemap/pose/pose_training.hpp"
#include "synth/synthetic_face.hpp"

namespace {

// A narrow network keeps training practical on two CPU cores; its widths go in the params file.
const std::vector<int> kDemoChannels = {8, 16, 24, 32, 48};
constexpr int kTrainingFrames = 240;  // every 5th frame of a 1200-frame (40 s) face
constexpr int kFrameStep = 5;
constexpr int kHeldOutFrames = 300;

facemap::SynthParams face(std::uint64_t seed, int nframes) {
  facemap::SynthParams params;  // 256 x 256
  params.seed = seed;
  params.nframes = nframes;
  return params;
}

facemap::LabelledFrames training_frames() {
  const facemap::SyntheticFace generator(face(1, kTrainingFrames * kFrameStep));
  facemap::LabelledFrames data;
  data.x.resize(kTrainingFrames, facemap::kFaceKeypointNames.size());
  data.y.resize(kTrainingFrames, facemap::kFaceKeypointNames.size());
  for (int i = 0; i < kTrainingFrames; ++i) {
    const int t = i * kFrameStep;
    data.frames.push_back(generator.frame(t));
    const facemap::FaceTruth truth = generator.truth(t);
    data.x.row(i) = truth.keypoints.col(0).cast<float>().transpose();
    data.y.row(i) = truth.keypoints.col(1).cast<float>().transpose();
  }
  return data;
}

double median(std::vector<double> values) {
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  return values[values.size() / 2];
}

// Euclidean errors on held-out frames: errors[k][t] of keypoint k in frame t.
std::vector<std::vector<double>> held_out_errors(const facemap::PoseModel& model) {
  const facemap::SyntheticFace generator(face(2, kHeldOutFrames));
  const facemap::PoseResult result = facemap::predict_pose(generator, model);
  const facemap::SynthTruth truth = generator.all_truth();
  std::vector<std::vector<double>> errors(truth.keypoint_x.cols());
  for (int t = 0; t < kHeldOutFrames; ++t)
    for (std::size_t k = 0; k < errors.size(); ++k)
      errors[k].push_back(std::hypot(result.keypoints.x(t, k) - truth.keypoint_x(t, k),
                                     result.keypoints.y(t, k) - truth.keypoint_y(t, k)));
  return errors;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path source = std::filesystem::path(__FILE__).parent_path().parent_path();
  const std::filesystem::path folder = argc > 1 ? argv[1] : source / "models";
  std::filesystem::create_directories(folder);

  facemap::PoseModelParams params;
  params.channels = kDemoChannels;
  facemap::PoseModel model(params, 0);
  facemap::TrainingOptions options;
  options.epochs = 12;
  options.learning_rate = 2e-3;  // from scratch: faster than Facemap's fine-tuning rate
  options.batch_size = 8;
  options.seed = 0;

  const auto start = std::chrono::steady_clock::now();
  const std::vector<facemap::EpochReport> reports =
      facemap::train_pose_model(model, training_frames(), options);
  const std::chrono::duration<double> trained = std::chrono::steady_clock::now() - start;
  model.save(folder / "facemap_demo_state.pt", folder / "facemap_demo_params.pth");

  const std::vector<std::vector<double>> errors = held_out_errors(model);
  std::vector<double> all;
  double worst_keypoint = 0;
  for (const std::vector<double>& keypoint : errors) {
    all.insert(all.end(), keypoint.begin(), keypoint.end());
    worst_keypoint = std::max(worst_keypoint, median(keypoint));
  }
  std::sort(all.begin(), all.end());
  std::printf("figure demo_model_training_seconds %.1f s\n", trained.count());
  std::printf("figure demo_model_final_training_error %.3f px\n", reports.back().mean_error);
  std::printf("figure demo_model_held_out_median_error %.3f px\n", median(all));
  std::printf("figure demo_model_held_out_p90_error %.3f px\n", all[all.size() * 9 / 10]);
  std::printf("figure demo_model_held_out_worst_keypoint_median_error %.3f px\n", worst_keypoint);
  spdlog::info("demo model written to {}", folder.string());
}
