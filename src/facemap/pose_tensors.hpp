#pragma once
// The pose engine's tensor steps (facemap/pose_preprocess.hpp describes them), shared by
// inference and training. Private to src/facemap.

#include <string>
#include <vector>

#include <torch/torch.h>

#include "facemap/pose_preprocess.hpp"
#include "facemap/video.hpp"

namespace facemap::detail {

/// Preprocesses `frames` into the network's (n, 1, 256, 256) float32 input on `device`; groups
/// of `frames_normalised_together` consecutive frames share one intensity range.
torch::Tensor preprocess_batch(const std::vector<GrayFrame>& frames, const CropBox& box,
                               int frames_normalised_together, const torch::Device& device);

/// Decodes the network's outputs (any device) into keypoints in input pixels.
PoseTracks decode_keypoint_tensors(const torch::Tensor& heatmap, const torch::Tensor& locx,
                                   const torch::Tensor& locy,
                                   const std::vector<std::string>& bodyparts);

}  // namespace facemap::detail
