// Training the keypoint network: it learns a few labelled synthetic frames, follows Facemap's
// learning-rate schedule, is deterministic, accepts partly labelled frames, and a trained model
// saved in Facemap's format loads back with the same outputs.

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "facemap/pose/pose.hpp"
#include "facemap/pose/pose_training.hpp"
#include "synth/synthetic_face.hpp"
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

// The state dict's arrays by name.
std::map<std::string, facemap::RowMajorArray> weights(const PoseModel& model) {
  std::map<std::string, facemap::RowMajorArray> named;
  for (auto& [name, array] : model.state_dict()) named.emplace(name, std::move(array));
  return named;
}

// Output channel `channel` of a head (a 1x1 convolution with 15 outputs): its weights and bias.
std::vector<float> head_channel(const std::map<std::string, facemap::RowMajorArray>& state,
                                const std::string& head, int channel) {
  const std::vector<float> weight = state.at(head + ".weight").values<float>();
  const std::size_t inputs = weight.size() / 15;
  std::vector<float> values(weight.begin() + channel * inputs,
                            weight.begin() + (channel + 1) * inputs);
  values.push_back(state.at(head + ".bias").values<float>().at(channel));
  return values;
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

  // A second run that differs only in the values under the unlabelled keypoints (the other
  // coordinate of each: eye(top)'s y, keypoint 7's x in frame 1, absurd or NaN now) must train
  // exactly the same weights and report exactly the same loss and error.
  LabelledFrames other = data;
  other.y.col(3).setConstant(1e6f);
  other.y(0, 3) = NAN;
  other.x(1, 7) = -1e6f;
  PoseModel other_model = small_model();
  const auto other_reports = facemap::train_pose_model(other_model, other, options);
  EXPECT_EQ(other_reports[0].loss, reports[0].loss);
  EXPECT_EQ(other_reports[0].mean_error, reports[0].mean_error);
  const auto trained = weights(model), other_trained = weights(other_model);
  for (const auto& [name, array] : trained)
    EXPECT_TRUE(array == other_trained.at(name)) << name << " differs between the two runs";

  // eye(top) is labelled in no frame, so nothing pulls on its own output channels: the three
  // heads' channel 3 (weights and bias) receive no gradient and keep their initial values
  // exactly (Adam moves nothing without a gradient), while a labelled keypoint's channel moves.
  const auto initial = weights(small_model());
  for (const std::string head : {"Conv2_1x1.conv0", "Conv2_1x1.conv1", "Conv2_1x1.conv2"}) {
    EXPECT_EQ(head_channel(trained, head, 3), head_channel(initial, head, 3)) << head;
    EXPECT_NE(head_channel(trained, head, 0), head_channel(initial, head, 0)) << head;
  }
}

TEST(TrainPoseModel, LossAndErrorAreOverLabelledKeypointsOnly) {
  // One batch of both frames in one epoch: its forward pass is the initial network's whatever
  // the labels, so each labelled keypoint adds the same term to the loss and the same distance
  // to the error in every run. A run labelling a set of keypoints must then report the mean of
  // what runs labelling each of them alone report; an unlabelled keypoint counted anywhere (as
  // a label at 0, 0, say) would break that.
  const LabelledFrames truth = synthetic_frames(2);
  TrainingOptions options;
  options.epochs = 1;
  options.batch_size = 2;
  options.augment = false;
  const std::vector<std::pair<int, int>> labelled{{0, 0}, {1, 5}, {0, 9}, {1, 14}};
  const auto run = [&](const std::vector<std::pair<int, int>>& keep) {
    LabelledFrames data = truth;
    data.x.setConstant(NAN);
    data.y.setConstant(NAN);
    for (const auto& [frame, part] : keep) {
      data.x(frame, part) = truth.x(frame, part);
      data.y(frame, part) = truth.y(frame, part);
    }
    PoseModel model = small_model();
    return facemap::train_pose_model(model, data, options).at(0);
  };
  double loss = 0, error = 0;
  for (const auto& keypoint : labelled) {
    const facemap::EpochReport alone = run({keypoint});
    loss += alone.loss / labelled.size();
    error += alone.mean_error / labelled.size();
  }
  const facemap::EpochReport together = run(labelled);
  std::cout << "loss " << together.loss << " (mean of single keypoints " << loss << "), error "
            << together.mean_error << " px (" << error << ")\n";
  EXPECT_NEAR(together.loss, loss, 1e-5 * loss);
  EXPECT_NEAR(together.mean_error, error, 1e-5 * error);
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
