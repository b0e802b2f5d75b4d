// Preprocessing for the keypoint network: Facemap's square padding, torch.quantile's percentiles,
// and the network input Facemap made from frame 0 of each fixture clip.

#include <gtest/gtest.h>

#include "facemap/io/npy.hpp"
#include "facemap/pose/pose_preprocess.hpp"
#include "pose/pose_test_files.hpp"

using facemap::GrayFrame;
using facemap::SquarePadding;

using fmtest::fmnet_data;

namespace {

void expect_padding(int height, int width, SquarePadding expected) {
  const SquarePadding padding = facemap::square_padding(height, width);
  EXPECT_EQ(padding.side, expected.side) << height << " x " << width;
  EXPECT_EQ(padding.top, expected.top) << height << " x " << width;
  EXPECT_EQ(padding.bottom, expected.bottom) << height << " x " << width;
  EXPECT_EQ(padding.left, expected.left) << height << " x " << width;
  EXPECT_EQ(padding.right, expected.right) << height << " x " << width;
}

TEST(SquarePadding, FollowsFacemap) {
  // pose_runs_seed0.json: 160 x 200 gets 20 rows top and bottom; 171 x 128 grows to 172.
  expect_padding(160, 200, {20, 20, 0, 0, 200});
  expect_padding(171, 128, {0, 1, 22, 22, 172});
  expect_padding(64, 64, {0, 0, 0, 0, 64});
  expect_padding(10, 13, {2, 2, 0, 1, 14});
}

TEST(PercentileRange, IsLinearInterpolationOfTheSortedPixels) {
  // Pixels 0..99 once each: the 1st percentile sits at rank 0.99, the 99th at rank 98.01.
  GrayFrame ramp(10, 10);
  for (int i = 0; i < 100; ++i) ramp.data()[i] = static_cast<std::uint8_t>(i);
  const facemap::IntensityRange range = facemap::percentile_range({&ramp});
  EXPECT_NEAR(range.low, 0.99f, 1e-5);
  EXPECT_NEAR(range.high, 98.01f, 1e-4);

  // Two frames together: 0..99 and 100 copies of 200.
  const GrayFrame bright = GrayFrame::Constant(10, 10, 200);
  const facemap::IntensityRange both = facemap::percentile_range({&ramp, &bright});
  EXPECT_NEAR(both.low, 1.99f, 1e-5);  // rank 0.01 * 199
  EXPECT_EQ(both.high, 200.0f);
}

class FacemapInput : public ::testing::TestWithParam<std::string> {};

TEST_P(FacemapInput, FrameZeroEqualsFacemaps) {
  const std::string clip = GetParam();
  const facemap::Recording video({fmnet_data(clip + ".avi")});
  std::vector<GrayFrame> frames;
  video.read(0, 1, [&](const facemap::FrameBatch& batch) { frames = batch.views[0]; });
  const facemap::FrameSize size = video.view_sizes()[0];
  const facemap::RowMajorArray ours =
      facemap::preprocess_frames(frames, facemap::CropBox::full_frame(size.height, size.width));
  const facemap::RowMajorArray expected =
      facemap::read_npy(fmnet_data(clip + "_frame0_preprocessed.npy"));
  ASSERT_EQ(ours.shape(), expected.shape());
  const std::vector<float> a = ours.values<float>(), b = expected.values<float>();
  float largest = 0;
  for (std::size_t i = 0; i < a.size(); ++i) largest = std::max(largest, std::abs(a[i] - b[i]));
  EXPECT_LT(largest, 1e-6f);
}

INSTANTIATE_TEST_SUITE_P(BothClips, FacemapInput,
                         ::testing::Values("pose_synth_160x200", "pose_synth_171x128"));

TEST(PreprocessFrames, GroupsShareOneNormalisation) {
  GrayFrame dark = GrayFrame::Constant(32, 40, 10), light = GrayFrame::Constant(32, 40, 10);
  dark(0, 0) = 20;
  light.bottomRows(16).setConstant(110);
  const facemap::CropBox box = facemap::CropBox::full_frame(32, 40);
  const std::vector<float> alone =
      facemap::preprocess_frames({dark, light}, box, 1).values<float>();
  const std::vector<float> together =
      facemap::preprocess_frames({dark, light}, box, 2).values<float>();
  const std::size_t image = 256 * 256;
  // The light frame (10 and 110) spans 0..1 alone and together: output row 182 samples its
  // bright half.
  EXPECT_NEAR(alone[image + 182 * 256 + 128], 1.0f, 1e-6);
  EXPECT_NEAR(together[image + 182 * 256 + 128], 1.0f, 1e-6);
  // The dark frame alone is flat at its 99th percentile (10), so its one brighter pixel (20)
  // becomes 10 (range 10..11); together the range is 10..110 and it becomes 0.1. Output (28, 0)
  // samples that pixel.
  EXPECT_NEAR(alone[28 * 256] / together[28 * 256], 100.0f, 1e-3);
}

TEST(PreprocessFrames, FlatFramesBecomeZeros) {
  const facemap::RowMajorArray input = facemap::preprocess_frames({GrayFrame::Constant(20, 20, 77)},
                                                            facemap::CropBox::full_frame(20, 20));
  for (const float value : input.values<float>()) ASSERT_EQ(value, 0.0f);
}

TEST(PreprocessFrames, BoxesOutsideTheFrameAreErrors) {
  EXPECT_THROW(facemap::preprocess_frames({GrayFrame::Zero(20, 20)}, {0, 21, 0, 20}),
               std::invalid_argument);
  EXPECT_THROW(facemap::preprocess_frames({GrayFrame::Zero(20, 20)}, {5, 5, 0, 20}),
               std::invalid_argument);
}

}  // namespace
