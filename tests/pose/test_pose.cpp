// The whole pose pipeline (decode, preprocess, network, keypoints, back to the frame) on the two
// fixture clips that Facemap itself ran with the seed-0 network, against Facemap's keypoints.

#include <gtest/gtest.h>

#include "facemap/io/npy.hpp"
#include "facemap/pose/pose.hpp"
#include "facemap/pose/pose_preprocess.hpp"
#include "pose/pose_test_files.hpp"

using facemap::PoseModel;
using facemap::PoseOptions;
using facemap::PoseResult;

using fmtest::fmnet_data;

namespace {

const PoseModel& seed0_model() {
  static const PoseModel model =
      PoseModel::load(fmnet_data("fmnet_state_seed0.pt"), fmnet_data("facemap_model_params.pth"));
  return model;
}

Eigen::MatrixXf facemap_array(const std::string& clip, const std::string& what) {
  return facemap::read_npy(fmnet_data(clip + "_kp_" + what + ".npy")).matrix<float>();
}

struct Comparison {
  int compared = 0;      // keypoints whose position is determined (see below)
  float position = 0;    // largest position difference there, pixels
  float likelihood = 0;  // largest likelihood difference anywhere
};

// Facemap's random-weight heatmaps are nearly flat: where the top two values are closer than
// float32 noise (thread counts change outputs by about 2e-8) the argmax is a coin toss. No
// keypoint of these clips has a margin above 1e-4, so positions are compared where it exceeds
// 1e-6, and where the heatmap is all zero (margin 0, likelihood exactly 0.5: the argmax is
// index 0, so the position is determined by the location maps alone): 712 of 750.
constexpr float kDecidedMargin = 1e-6f;

Comparison compare(const std::string& clip, const PoseResult& ours) {
  const Eigen::MatrixXf x = facemap_array(clip, "x"), y = facemap_array(clip, "y");
  const Eigen::MatrixXf likelihood = facemap_array(clip, "likelihood");
  const Eigen::MatrixXf margin = facemap_array(clip, "margin");
  EXPECT_EQ(ours.keypoints.x.rows(), x.rows());
  EXPECT_EQ(ours.keypoints.x.cols(), x.cols());
  Comparison result;
  for (Eigen::Index frame = 0; frame < x.rows(); ++frame) {
    for (Eigen::Index part = 0; part < x.cols(); ++part) {
      result.likelihood =
          std::max(result.likelihood,
                   std::abs(ours.keypoints.likelihood(frame, part) - likelihood(frame, part)));
      const bool flat = margin(frame, part) == 0 && likelihood(frame, part) == 0.5f &&
                        ours.keypoints.likelihood(frame, part) == 0.5f;
      if (margin(frame, part) <= kDecidedMargin && !flat) continue;
      ++result.compared;
      result.position =
          std::max({result.position, std::abs(ours.keypoints.x(frame, part) - x(frame, part)),
                    std::abs(ours.keypoints.y(frame, part) - y(frame, part))});
    }
  }
  return result;
}

class FacemapClip : public ::testing::TestWithParam<std::string> {};

// How many positions compare() finds determined in Facemap's margins and likelihoods for each
// clip (435 of 450 and 277 of 300: the 712 of 750 above). Asserted exactly, so that a change in
// our likelihood on flat heatmaps (which takes a position out of the flat case) cannot silently
// drop comparisons; the count depends only on the fixture files and on our likelihood being
// exactly 0.5 where Facemap's is.
int expected_compared(const std::string& clip) {
  if (clip == "pose_synth_160x200") return 435;
  if (clip == "pose_synth_171x128") return 277;
  ADD_FAILURE() << "no expected count for clip " << clip;
  return -1;
}

TEST_P(FacemapClip, KeypointsEqualFacemaps) {
  const std::string clip = GetParam();
  const facemap::Recording video({fmnet_data(clip + ".avi")});
  int progress_calls = 0;
  PoseOptions options;
  options.batch_size = 4;  // batches do not change results: Facemap normalised frame by frame
  options.progress = [&](int done, int total) {
    ++progress_calls;
    EXPECT_LE(done, total);
  };
  const PoseResult ours = facemap::predict_pose(video, seed0_model(), options);
  const Comparison comparison = compare(clip, ours);
  std::cout << clip << ": " << comparison.compared << " positions compared, largest difference "
            << comparison.position << " px; largest likelihood difference " << comparison.likelihood
            << "\n";
  EXPECT_EQ(comparison.compared, expected_compared(clip));
  EXPECT_LT(comparison.position, 0.01f);
  EXPECT_LT(comparison.likelihood, 1e-4f);
  EXPECT_EQ(progress_calls, (video.nframes() + 3) / 4);

  const facemap::PoseMetadata& metadata = ours.metadata;
  EXPECT_EQ(metadata.total_frames, video.nframes());
  EXPECT_EQ(metadata.batch_size, 1);
  EXPECT_EQ(metadata.bbox, facemap::CropBox::full_frame(video.view_sizes()[0].height,
                                                        video.view_sizes()[0].width));
  EXPECT_EQ(metadata.bodyparts, facemap::facemap_bodyparts());
  EXPECT_GT(metadata.inference_speed, 0);
}

INSTANTIATE_TEST_SUITE_P(BothClips, FacemapClip,
                         ::testing::Values("pose_synth_160x200", "pose_synth_171x128"));

TEST(PredictPose, ACropIsTheStepsOnTheBox) {
  // Facemap normalises the whole frame and then crops, so a box in a larger frame is not the
  // same as the smaller frame; the pipeline must equal its steps applied by hand.
  const facemap::Recording video({fmnet_data("pose_synth_171x128.avi")});
  std::vector<facemap::GrayFrame> framed;
  video.read(0, 5, [&](const facemap::FrameBatch& batch) {
    for (const facemap::GrayFrame& frame : batch.views[0]) {
      facemap::GrayFrame larger = facemap::GrayFrame::Constant(200, 150, 90);
      larger.block(10, 7, frame.rows(), frame.cols()) = frame;
      framed.push_back(larger);
    }
  });
  const facemap::CropBox box{10, 10 + 171, 7, 7 + 128};
  PoseOptions options;
  options.crop = box;
  const PoseResult cropped =
      facemap::predict_pose(facemap::FrameArray(framed), seed0_model(), options);

  const facemap::NetworkOutputs outputs =
      seed0_model().forward(facemap::preprocess_frames(framed, box));
  facemap::PoseTracks by_hand = facemap::decode_keypoints(outputs, facemap::facemap_bodyparts());
  facemap::map_to_frame(by_hand, box);
  EXPECT_EQ(cropped.keypoints.x, by_hand.x);
  EXPECT_EQ(cropped.keypoints.y, by_hand.y);
  EXPECT_EQ(cropped.keypoints.likelihood, by_hand.likelihood);
  EXPECT_EQ(cropped.metadata.bbox, box);
  EXPECT_EQ(cropped.metadata.ly, std::vector<int>{200});
}

TEST(PredictPose, AFrameRangeGivesThoseFrames) {
  const facemap::Recording video({fmnet_data("pose_synth_160x200.avi")});
  PoseOptions options;
  options.first_frame = 25;
  options.frame_count = 5;
  const PoseResult part = facemap::predict_pose(video, seed0_model(), options);
  ASSERT_EQ(part.keypoints.x.rows(), 5);
  EXPECT_EQ(part.metadata.total_frames, 5);
  const Eigen::MatrixXf likelihood = facemap_array("pose_synth_160x200", "likelihood");
  EXPECT_LT((part.keypoints.likelihood - likelihood.bottomRows(5)).cwiseAbs().maxCoeff(), 1e-4);
}

TEST(PredictPose, ResultsGoToFacemapsFilesAndBack) {
  const facemap::Recording video({fmnet_data("pose_synth_171x128.avi")});
  PoseOptions options;
  options.frame_count = 4;
  const PoseResult result = facemap::predict_pose(video, seed0_model(), options);
  const auto folder = fmtest::pose_temporary("outputs");
  std::filesystem::create_directories(folder);
  const auto h5 = facemap::pose_h5_path(folder, video.files()[0].path);
  const auto pkl = facemap::pose_metadata_path(folder, video.files()[0].path);
  facemap::write_pose_h5(h5, result.keypoints);
  facemap::write_pose_metadata(pkl, result.metadata);
  const facemap::PoseTracks tracks = facemap::read_pose_h5(h5);
  EXPECT_EQ(tracks.bodyparts, result.keypoints.bodyparts);
  EXPECT_EQ(tracks.x, result.keypoints.x);
  EXPECT_EQ(tracks.y, result.keypoints.y);
  EXPECT_EQ(tracks.likelihood, result.keypoints.likelihood);
  const facemap::PoseMetadata metadata = facemap::read_pose_metadata(pkl);
  EXPECT_EQ(metadata.total_frames, 4);
  EXPECT_EQ(metadata.bbox, result.metadata.bbox);
  EXPECT_EQ(metadata.inference_speed, result.metadata.inference_speed);
  std::filesystem::remove_all(folder);
}

TEST(PredictPose, BadOptionsAreNamed) {
  const facemap::FrameArray frames(
      std::vector<facemap::GrayFrame>(2, facemap::GrayFrame::Zero(64, 64)));
  PoseOptions options;
  options.view = 1;
  EXPECT_THROW(facemap::predict_pose(frames, seed0_model(), options), std::invalid_argument);
  options = {};
  options.batch_size = 3;
  options.frames_normalised_together = 2;
  try {
    facemap::predict_pose(frames, seed0_model(), options);
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("batch_size"), std::string::npos);
  }
  options = {};
  options.first_frame = 1;
  options.frame_count = 2;
  EXPECT_THROW(facemap::predict_pose(frames, seed0_model(), options), std::invalid_argument);
  options = {};
  options.crop = facemap::CropBox{0, 65, 0, 10};
  EXPECT_THROW(facemap::predict_pose(frames, seed0_model(), options), std::invalid_argument);
}

}  // namespace
