// Facemap's keypoint loss: heatmap L1 plus the location-map term.

#include "pose_loss.hpp"

#include "facemap/pose_model.hpp"

namespace facemap::detail {
namespace {

constexpr double kSigma = 3.0;  // map pixels; the location maps are in units of 2 sigma
constexpr double kInputPixelsPerMapPixel = double(kPoseInputSize) / kPoseMapSize;

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
  const auto [row_offset, col_offset] = offsets_from_labels(batch);
  const torch::Tensor squared = row_offset.square() + col_offset.square();
  torch::Tensor target = torch::exp(-squared / (2 * kSigma * kSigma));
  target = 10 * target / (1e-3 + target.sum({-2, -1}, true));
  const torch::Tensor near = (squared.sqrt() <= kSigma).to(torch::kFloat32);

  const torch::Tensor heatmap_term = (target - batch.heatmap).abs().sum({-2, -1});
  // A tiny epsilon keeps the gradient of the square root finite where a prediction is exact.
  const torch::Tensor location_error = ((row_offset / (2 * kSigma) - batch.locx).square() +
                                        (col_offset / (2 * kSigma) - batch.locy).square() + 1e-12)
                                           .sqrt();
  const torch::Tensor location_term = (near * location_error).sum({-2, -1});
  return (heatmap_term + 0.5 * location_term).masked_select(batch.labelled).mean();
}

double mean_keypoint_error(const TrainingBatch& batch) {
  torch::NoGradGuard no_grad;
  const std::int64_t images = batch.heatmap.size(0), keypoints = batch.heatmap.size(1);
  const torch::Tensor peak = batch.heatmap.reshape({images, keypoints, -1}).argmax(-1, true);
  const auto at_peak = [&](const torch::Tensor& map) {
    return map.reshape({images, keypoints, -1}).gather(-1, peak).squeeze(-1);
  };
  const torch::Tensor peak_row = torch::div(peak.squeeze(-1), kPoseMapSize, "trunc");
  const torch::Tensor peak_col = peak.squeeze(-1).remainder(kPoseMapSize);
  const torch::Tensor row = (peak_row - 2 * kSigma * at_peak(batch.locx)) * kInputPixelsPerMapPixel;
  const torch::Tensor col = (peak_col - 2 * kSigma * at_peak(batch.locy)) * kInputPixelsPerMapPixel;
  const torch::Tensor error = ((col - batch.keypoints.select(-1, 0)).square() +
                               (row - batch.keypoints.select(-1, 1)).square())
                                  .sqrt();
  return error.masked_select(batch.labelled).mean().item<double>();
}

}  // namespace facemap::detail
