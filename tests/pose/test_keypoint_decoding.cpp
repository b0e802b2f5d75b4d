// Decoding the network's outputs as Facemap does (its predictions from the fixture outputs), and
// mapping keypoints from network input pixels back to the frame.

#include <gtest/gtest.h>

#include "facemap/io/npy.hpp"
#include "facemap/pose/pose_preprocess.hpp"
#include "pose/pose_test_files.hpp"

using facemap::RowMajorArray;
using facemap::PoseTracks;

namespace {

Eigen::MatrixXf fixture(const std::string& name) {
  return facemap::read_npy(fmtest::fmnet_data(name)).matrix<float>();
}

class FacemapDecoding : public ::testing::TestWithParam<std::string> {};

TEST_P(FacemapDecoding, EqualsFacemapsPredictions) {
  // Decoding Facemap's own outputs: no network noise, so every keypoint must agree, including
  // those with near-ties (the first maximum wins in both) and all-zero heatmaps.
  const std::string run = GetParam();
  const auto output = [&](const std::string& what) {
    return facemap::read_npy(fmtest::fmnet_data("out_" + run + "_" + what + ".npy"));
  };
  const PoseTracks decoded = facemap::decode_keypoints(
      {output("heatmap"), output("locx"), output("locy")}, facemap::facemap_bodyparts());
  const Eigen::MatrixXf x = fixture("out_" + run + "_predict_xlabels.npy");
  const Eigen::MatrixXf y = fixture("out_" + run + "_predict_ylabels.npy");
  const Eigen::MatrixXf likelihood = fixture("out_" + run + "_predict_likelihood.npy");
  ASSERT_EQ(decoded.x.rows(), 2);
  ASSERT_EQ(decoded.x.cols(), 15);
  EXPECT_LT((decoded.x - x).cwiseAbs().maxCoeff(), 1e-4);
  EXPECT_LT((decoded.y - y).cwiseAbs().maxCoeff(), 1e-4);
  EXPECT_LT((decoded.likelihood - likelihood).cwiseAbs().maxCoeff(), 1e-6);
}

INSTANTIATE_TEST_SUITE_P(BothStateDicts, FacemapDecoding,
                         ::testing::Values("seed0", "bnrand_seed0"));

// One keypoint: a heatmap peak at (row, col) with the given location offsets there.
PoseTracks decode_one(int row, int col, float locx, float locy, float peak) {
  const RowMajorArray::Shape shape{1, 1, 64, 64};
  std::vector<float> heatmap(64 * 64, 0.0f), row_offsets(64 * 64, 0.0f), col_offsets(64 * 64, 0.0f);
  heatmap[row * 64 + col] = peak;
  heatmap[(row + 1) * 64 + col] = peak;  // a tie: the first maximum wins
  row_offsets[row * 64 + col] = locx;
  col_offsets[row * 64 + col] = locy;
  return facemap::decode_keypoints(
      {RowMajorArray::from_values(shape, heatmap), RowMajorArray::from_values(shape, row_offsets),
       RowMajorArray::from_values(shape, col_offsets)},
      {"nose(tip)"});
}

TEST(DecodeKeypoints, PeakPlusRefinementInInputPixels) {
  const PoseTracks one = decode_one(10, 20, 0.5f, -0.25f, 2.0f);
  EXPECT_FLOAT_EQ(one.x(0, 0), (20 + 1.5f) * 4);  // col - 6 * locy
  EXPECT_FLOAT_EQ(one.y(0, 0), (10 - 3.0f) * 4);  // row - 6 * locx
  EXPECT_FLOAT_EQ(one.likelihood(0, 0), 1.0f / (1.0f + std::exp(-2.0f)));
  EXPECT_EQ(one.bodyparts, std::vector<std::string>{"nose(tip)"});
}

TEST(DecodeKeypoints, BodypartsMustMatchTheOutputs) {
  const RowMajorArray maps(facemap::DType::of<float>(), {1, 2, 64, 64});
  EXPECT_THROW(facemap::decode_keypoints({maps, maps, maps}, {"only one"}), std::invalid_argument);
}

TEST(MapToFrame, UndoesResizePaddingAndCrop) {
  PoseTracks keypoints{{"a", "b"},
                       Eigen::MatrixXf{{0.0f, 256.0f}},
                       Eigen::MatrixXf{{128.0f, 64.0f}},
                       Eigen::MatrixXf{{0.5f, 0.5f}}};
  // A 171 x 128 box at (row 5, col 30): square side 172, 22 columns padded on the left.
  facemap::map_to_frame(keypoints, {5, 5 + 171, 30, 30 + 128});
  const float scale = 172.0f / 256.0f;
  EXPECT_FLOAT_EQ(keypoints.x(0, 0), 0 * scale - 22 + 30);
  EXPECT_FLOAT_EQ(keypoints.x(0, 1), 256 * scale - 22 + 30);
  EXPECT_FLOAT_EQ(keypoints.y(0, 0), 128 * scale - 0 + 5);
  EXPECT_FLOAT_EQ(keypoints.y(0, 1), 64 * scale + 5);
  EXPECT_EQ(keypoints.likelihood(0, 0), 0.5f);
}

}  // namespace
