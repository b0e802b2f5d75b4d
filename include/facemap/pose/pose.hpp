#pragma once
// Keypoint tracking: Facemap's pose estimation on every frame of a recording. Batches of frames
// are decoded on a background thread (facemap/video/video.hpp) while the previous batch is
// preprocessed, run through the network and decoded into keypoints (facemap/pose/pose_preprocess.hpp
// describes each step); the network runs on CUDA when LibTorch has it, else on all CPU cores.
// Results agree with Facemap's own to float32 rounding.

#include <functional>
#include <optional>

#include "facemap/crop_box.hpp"
#include "facemap/io/pose_h5.hpp"
#include "facemap/io/pose_metadata.hpp"
#include "facemap/pose/pose_model.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// Receives how many frames are done, of how many.
using PoseProgress = std::function<void(int frames_done, int frames_total)>;

/// How to run the network over a recording.
struct PoseOptions {
  int view = 0;                 ///< which view (camera) of the recording
  std::optional<CropBox> crop;  ///< the box the network sees; the whole frame when absent
  int first_frame = 0;          ///< the frames to track: first_frame onwards,
  int frame_count = -1;         ///< this many (-1: to the end); the result has one row each
  /// Frames per network pass. Larger batches use the cores (or the GPU) better; results do not
  /// depend on it. Must be a multiple of frames_normalised_together.
  int batch_size = 8;
  /// Frames that share one percentile normalisation. Facemap normalises each of its inference
  /// batches as a whole and runs batches of 1, so 1 reproduces its keypoints.
  int frames_normalised_together = 1;
  PoseProgress progress;  ///< called after each batch; may be empty
};

/// A pose run: the keypoints of every frame (full-frame pixels, the model's body parts) and
/// what Facemap records about the run.
struct PoseResult {
  PoseTracks keypoints;
  PoseMetadata metadata;
};

/// Tracks the model's keypoints in the chosen frames of `frames`. Throws std::invalid_argument for
/// bad options (naming the option), VideoError for an unreadable video.
PoseResult predict_pose(const FrameSource& frames, const PoseModel& model,
                        const PoseOptions& options = {});

}  // namespace facemap
