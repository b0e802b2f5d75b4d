// The demo keypoint model shipped in models/ (made by bench/train_demo_model.cpp): it loads
// as a Facemap model and finds the synthetic face's keypoints on frames it never saw (a face
// with another seed than its training and evaluation faces): a median error below 1 pixel, and
// each keypoint's median below 2 pixels (0.46 px, and 1.66 px for the worst keypoint, seen): a
// model or a decoder that lost accuracy fails them, other builds' rounding does not.

#include <algorithm>

#include <gtest/gtest.h>

#include "facemap/pose/pose.hpp"
#include "synth/synthetic_face.hpp"

namespace {

const std::filesystem::path kModels = std::filesystem::path(FMPIPE_SOURCE_DIR) / "models";

double median(std::vector<double> values) {
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  return values[values.size() / 2];
}

TEST(DemoModel, FindsHeldOutKeypointsWithinAPixel) {
  const facemap::PoseModel model = facemap::PoseModel::load(kModels / "facemap_demo_state.pt",
                                                            kModels / "facemap_demo_params.pth");
  EXPECT_EQ(model.params().bodyparts, facemap::facemap_bodyparts());

  facemap::SynthParams params;  // 256 x 256
  params.seed = 3;
  params.nframes = 240;
  const facemap::SyntheticFace face(params);
  std::vector<facemap::GrayFrame> frames;
  std::vector<facemap::FaceTruth> truths;
  for (int t = 0; t < params.nframes; t += 6) {  // 40 frames over 8 s: blinks, paw, whisking
    frames.push_back(face.frame(t));
    truths.push_back(face.truth(t));
  }
  const facemap::PoseResult result = facemap::predict_pose(facemap::FrameArray(frames), model);

  std::vector<double> all;
  std::vector<double> keypoint_medians;
  for (int k = 0; k < 15; ++k) {
    std::vector<double> errors;
    for (std::size_t i = 0; i < frames.size(); ++i)
      errors.push_back(std::hypot(result.keypoints.x(i, k) - truths[i].keypoints(k, 0),
                                  result.keypoints.y(i, k) - truths[i].keypoints(k, 1)));
    keypoint_medians.push_back(median(errors));
    all.insert(all.end(), errors.begin(), errors.end());
  }
  const double overall = median(all);
  std::cout << "demo model on held-out frames: median error " << overall
            << " px, worst keypoint median "
            << *std::max_element(keypoint_medians.begin(), keypoint_medians.end()) << " px\n";
  EXPECT_LT(overall, 1.0);
  for (int k = 0; k < 15; ++k)
    EXPECT_LT(keypoint_medians[k], 2.0) << facemap::facemap_bodyparts()[k];
}

}  // namespace
