#pragma once
// The pose engine's tensor steps (facemap/pose/pose_preprocess.hpp describes them), shared by
// inference and training. Private to src/facemap.

#include <string>
#include <vector>

#include <torch/torch.h>

#include "facemap/pose/pose_preprocess.hpp"
#include "facemap/video/video.hpp"

namespace facemap::detail {

/// Facemap's heatmap width, in map pixels: training targets are Gaussians of this sigma, and
/// the location maps are offsets in units of -2 sigma.
constexpr double kHeatmapSigma = 3.0;
/// Input pixels per map pixel (256 / 64).
constexpr int kInputPixelsPerMapPixel = kPoseInputSize / kPoseMapSize;

/// Preprocesses `frames` into the network's (n, 1, 256, 256) float32 input on `device`; groups
/// of `frames_normalised_together` consecutive frames share one intensity range.
torch::Tensor preprocess_batch(const std::vector<GrayFrame>& frames, const CropBox& box,
                               int frames_normalised_together, const torch::Device& device);

/// Keypoints decoded from the network's outputs, each (n, k) on the outputs' device.
struct DecodedKeypoints {
  torch::Tensor x, y;        ///< input pixels
  torch::Tensor likelihood;  ///< sigmoid of the heatmap's maximum
};

/// The first maximum of each heatmap at (row, col) gives x = (col - 6 locy) * 4 and
/// y = (row - 6 locx) * 4, in Facemap's float32 operations.
DecodedKeypoints decode_keypoint_maps(const torch::Tensor& heatmap, const torch::Tensor& locx,
                                      const torch::Tensor& locy);

/// decode_keypoint_maps as PoseTracks on the CPU, naming the body parts.
PoseTracks decode_keypoint_tensors(const torch::Tensor& heatmap, const torch::Tensor& locx,
                                   const torch::Tensor& locy,
                                   const std::vector<std::string>& bodyparts);

}  // namespace facemap::detail
