// Facemap's keypoint loss: heatmap L1 plus the location-map term.

#include "pose_loss.hpp"

#include "pose_tensors.hpp"

namespace facemap::detail {
namespace {

// Offsets of every map pixel from each label, in map pixels: (row, col), each (n, k, 64, 64).
std::pair<torch::Tensor, torch::Tensor> offsets_from_labels(const TrainingBatch& batch) {
  const torch::Tensor grid =
      torch::arange(kPoseMapSize, batch.keypoints.options()).to(torch::kFloat32);
  const torch::Tensor label = batch.keypoints / kInputPixelsPerMapPixel;
  const torch::Tensor col = label.select(-1, 0).unsqueeze(-1).unsqueeze(-1);
  const torch::Tensor row = label.select(-1, 1).unsqueeze(-1).unsqueeze(-1);
  return {grid.view({1, 1, -1, 1}) - row, grid.view({1, 1, 1, -1}) - col};
}

}  // namespace

torch::Tensor facemap_loss(const TrainingBatch& batch) {
  constexpr double sigma = kHeatmapSigma;
  const auto [row_offset, col_offset] = offsets_from_labels(batch);
  const torch::Tensor squared = row_offset.square() + col_offset.square();
  torch::Tensor target = torch::exp(-squared / (2 * sigma * sigma));
  target = 10 * target / (1e-3 + target.sum({-2, -1}, true));
  const torch::Tensor near = (squared.sqrt() <= sigma).to(torch::kFloat32);

  const torch::Tensor heatmap_term = (target - batch.heatmap).abs().sum({-2, -1});
  // A tiny epsilon keeps the gradient of the square root finite where a prediction is exact.
  const torch::Tensor location_error = ((row_offset / (2 * sigma) - batch.locx).square() +
                                        (col_offset / (2 * sigma) - batch.locy).square() + 1e-12)
                                           .sqrt();
  const torch::Tensor location_term = (near * location_error).sum({-2, -1});
  return (heatmap_term + 0.5 * location_term).masked_select(batch.labelled).mean();
}

double mean_keypoint_error(const TrainingBatch& batch) {
  torch::NoGradGuard no_grad;
  const DecodedKeypoints predicted = decode_keypoint_maps(batch.heatmap, batch.locx, batch.locy);
  const torch::Tensor error = ((predicted.x - batch.keypoints.select(-1, 0)).square() +
                               (predicted.y - batch.keypoints.select(-1, 1)).square())
                                  .sqrt();
  return error.masked_select(batch.labelled).mean().item<double>();
}

}  // namespace facemap::detail
