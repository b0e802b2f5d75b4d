// Training the keypoint network: it learns a few labelled synthetic frames, follows Facemap's
// learning-rate schedule, is deterministic, accepts partly labelled frames, and a trained model
// saved in Facemap's format loads back with the same outputs.

#include <gtest/gtest.h>

#include "facemap/pose.hpp"
#include "facemap/pose_training.hpp"
#include "facemap/synth.hpp"
#include "pose/pose_test_files.hpp"

using facemap::LabelledFrames;
using facemap::PoseModel;
using facemap::TrainingOptions;

namespace {

// A narrow network: fast enough to train for a few epochs in a test.
PoseModel small_model(std::uint64_t seed = 0) {
  facemap::PoseModelParams params;
  params.channels = {4, 8, 8, 8, 8};
  return PoseModel(params, seed);
}

// Frames of the synthetic face, every 7th, with their true keypoints.
LabelledFrames synthetic_frames(int count, std::uint64_t seed = 1) {
  facemap::SynthParams params;
  params.seed = seed;
  params.nframes = count * 7;
  const facemap::SyntheticFace face(params);
  LabelledFrames data;
  data.x.resize(count, 15);
  data.y.resize(count, 15);
  for (int i = 0; i < count; ++i) {
    data.frames.push_back(face.frame(7 * i));
    const facemap::FaceTruth truth = face.truth(7 * i);
    data.x.row(i) = truth.keypoints.col(0).cast<float>().transpose();
    data.y.row(i) = truth.keypoints.col(1).cast<float>().transpose();
  }
  return data;
}

TEST(TrainPoseModel, LearnsLabelledFramesOnFacemapsSchedule) {
  PoseModel model = small_model();
  TrainingOptions options;
  options.epochs = 20;
  options.learning_rate = 5e-3;
  options.augment = false;
  int calls = 0;
  const auto reports = facemap::train_pose_model(model, synthetic_frames(2), options,
                                                 [&](const facemap::EpochReport&) { ++calls; });
  ASSERT_EQ(reports.size(), 20u);
  EXPECT_EQ(calls, 20);
  for (std::size_t epoch = 0; epoch < reports.size(); ++epoch) {
    const double expected_rate = epoch >= 17 ? 2e-4 : epoch >= 14 ? 5e-4 : 5e-3;
    EXPECT_EQ(reports[epoch].epoch, static_cast<int>(epoch));
    EXPECT_NEAR(reports[epoch].learning_rate, expected_rate, 1e-12);
    EXPECT_TRUE(std::isfinite(reports[epoch].loss));
    EXPECT_GT(reports[epoch].max_gradient_norm, 0);
  }
  std::cout << "loss " << reports.front().loss << " -> " << reports.back().loss << ", error "
            << reports.front().mean_error << " -> " << reports.back().mean_error << " px\n";
  EXPECT_LT(reports.back().loss, 0.6 * reports.front().loss);
  EXPECT_LT(reports.back().mean_error, reports.front().mean_error);
}

TEST(TrainPoseModel, IsDeterministicAndSavesInFacemapsFormat) {
  const LabelledFrames data = synthetic_frames(2);
  TrainingOptions options;
  options.epochs = 1;
  options.batch_size = 2;
  options.seed = 5;
  PoseModel first = small_model(), second = small_model();
  facemap::train_pose_model(first, data, options);
  facemap::train_pose_model(second, data, options);
  const auto a = first.state_dict(), b = second.state_dict();
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(a[i].second == b[i].second) << a[i].first;

  // Training ran BatchNorm in training mode: its statistics moved, and the model is back in
  // inference mode (the same input gives the same output twice).
  EXPECT_EQ(a[4].first, "Conv.conv0.conv.conv_0.0.num_batches_tracked");
  EXPECT_EQ(a[4].second.values<std::int64_t>(), std::vector<std::int64_t>{1});

  const auto folder = fmtest::pose_temporary("training");
  std::filesystem::create_directories(folder);
  first.save(folder / "state.pt", folder / "params.pth");
  const PoseModel loaded = PoseModel::load(folder / "state.pt", folder / "params.pth");
  const facemap::FrameArray frames(data.frames);
  const facemap::PoseResult ours = facemap::predict_pose(frames, first);
  const facemap::PoseResult theirs = facemap::predict_pose(frames, loaded);
  EXPECT_EQ(ours.keypoints.x, theirs.keypoints.x);
  EXPECT_EQ(ours.keypoints.likelihood, theirs.keypoints.likelihood);
  EXPECT_EQ(facemap::predict_pose(frames, first).keypoints.y, ours.keypoints.y);
  std::filesystem::remove_all(folder);
}

TEST(TrainPoseModel, UnlabelledKeypointsAreSkipped) {
  LabelledFrames data = synthetic_frames(2);
  data.x.col(3).setConstant(NAN);  // eye(top) never labelled
  data.y(1, 7) = NAN;
  data.crop = facemap::CropBox{20, 236, 40, 256};
  PoseModel model = small_model();
  TrainingOptions options;
  options.epochs = 1;
  const auto reports = facemap::train_pose_model(model, data, options);
  EXPECT_TRUE(std::isfinite(reports[0].loss));
  EXPECT_TRUE(std::isfinite(reports[0].mean_error));
  for (const auto& [name, array] : model.state_dict())
    for (const float value : array.values<float>()) ASSERT_TRUE(std::isfinite(value)) << name;
}

TEST(TrainPoseModel, RejectsLabelsThatDoNotFit) {
  PoseModel model = small_model();
  LabelledFrames data = synthetic_frames(2);
  data.x.conservativeResize(2, 14);
  EXPECT_THROW(facemap::train_pose_model(model, data), std::invalid_argument);
  data = synthetic_frames(2);
  data.x.setConstant(NAN);
  EXPECT_THROW(facemap::train_pose_model(model, data), std::invalid_argument);
  EXPECT_THROW(facemap::train_pose_model(model, LabelledFrames{}), std::invalid_argument);
}

}  // namespace
