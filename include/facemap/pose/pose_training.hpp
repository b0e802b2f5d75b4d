#pragma once
// Training and refining the keypoint network as Facemap does: frames with labelled keypoints,
// Facemap's loss (per keypoint, the L1 distance between the predicted heatmap and a Gaussian of
// sigma 3 map pixels scaled to sum to 10, plus half the Euclidean error of the location maps
// within sigma of the keypoint), Adam with a learning rate cut to 1/10 for the last 6 epochs
// and to 1/25 for the last 3, and gradients clipped to norm 50. Frames are preprocessed as for
// inference (facemap/pose/pose_preprocess.hpp), each normalised on its own.
//
// Fine-tuning a model Facemap released on a few refined frames, or training a new one from
// PoseModel(params, seed), are the same call. Results are deterministic for a given seed and
// thread count.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include <Eigen/Core>

#include "facemap/crop_box.hpp"
#include "facemap/pose/pose_model.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// Frames with keypoints placed by hand (or refined, or known): x and y are frames x the
/// model's body parts, in full-frame pixels; NaN marks a keypoint not labelled in that frame.
struct LabelledFrames {
  std::vector<GrayFrame> frames;
  Eigen::MatrixXf x;
  Eigen::MatrixXf y;
  std::optional<CropBox> crop;  ///< the box the network sees; the whole frame when absent
};

/// How to train. The defaults are Facemap's refinement defaults.
struct TrainingOptions {
  int epochs = 36;
  double learning_rate = 1e-4;
  double weight_decay = 0;
  int batch_size = 1;
  double max_gradient_norm = 50;  ///< gradients are clipped to this total norm
  /// Augmentation, as Facemap's training set does it: each epoch, the crop box grows on every
  /// side by a random 10-30% of its size (within the frame), and the contrast (0.7-1.3) and
  /// brightness (+-0.2) of each image change at random.
  bool augment = true;
  std::uint64_t seed = 0;  ///< the order of frames and the augmentation
};

/// How one epoch went.
struct EpochReport {
  int epoch = 0;  ///< 0-based
  double learning_rate = 0;
  double loss = 0;               ///< mean over batches of Facemap's loss
  double mean_error = 0;         ///< mean keypoint error on the training frames, input pixels
  double max_gradient_norm = 0;  ///< largest gradient norm before clipping
};

/// Receives each epoch's report as it ends.
using TrainingProgress = std::function<void(const EpochReport&)>;

/// Trains `model` in place on `data` and leaves it ready for inference. Throws
/// std::invalid_argument when the labels do not match the frames or the model's body parts, or
/// when no keypoint is labelled.
std::vector<EpochReport> train_pose_model(PoseModel& model, const LabelledFrames& data,
                                          const TrainingOptions& options = {},
                                          const TrainingProgress& progress = {});

}  // namespace facemap
