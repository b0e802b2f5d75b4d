#pragma once
// Facemap's training loss for the keypoint network and the keypoint error it reports while
// training. Private to src/facemap.

#include <torch/torch.h>

namespace facemap::detail {

/// The network's outputs in training mode and the labels of a batch.
struct TrainingBatch {
  torch::Tensor heatmap, locx, locy;  ///< (n, k, 64, 64)
  torch::Tensor keypoints;            ///< (n, k, 2) float32: x, y in input pixels; finite
                                      ///< also where unlabelled (their value is ignored)
  torch::Tensor labelled;             ///< (n, k) bool: which keypoints carry a label
};

/// Facemap's loss, averaged over labelled keypoints: the L1 distance between each predicted
/// heatmap and a Gaussian (sigma 3 map pixels) around the label scaled to sum to 10, plus half
/// the Euclidean error of the location maps, summed over map pixels within sigma of the label.
torch::Tensor facemap_loss(const TrainingBatch& batch);

/// The mean Euclidean distance, in input pixels, between labelled keypoints and the network's
/// decoded predictions (argmax plus refinement).
double mean_keypoint_error(const TrainingBatch& batch);

}  // namespace facemap::detail
