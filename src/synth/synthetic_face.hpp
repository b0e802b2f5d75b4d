#pragma once
// A synthetic mouse face video with known ground truth, to test the engines where no real
// recording has it: a side view (nose to the right) of a head-fixed mouse on a wheel.
//  - an eye (iris 120) with a dark pupil (30) whose centre wanders and whose radii follow a
//    known trace, a small bright corneal reflection (240) at a fixed place, and a lid (170) that
//    closes and opens at known frames (blinks);
//  - whiskers (bright lines) rotating about their roots at a known frequency, and a nose that
//    moves in step with them (mice sniff and whisk together);
//  - a mouth that opens (the lower lip drops) and a paw that swings sideways;
//  - a textured wheel patch whose texture moves by a known whole-pixel (dy, dx) each frame;
//  - fur texture (150-215) on the head and a dark background (about 35), per-frame noise.
// The keypoints sit on drawn features: eye(back), eye(front), eye(bottom) at the eye's corners
// and lowest point, eye(top) on the lid's edge; lowerlip at the lowest point of the lip (a dark
// ellipse under the mouth); mouth at the corner of the mouth line; nose(top), nose(tip),
// nose(bottom) on the nose's outline, nose(r) on the nostril; nosebridge on the snout's outline,
// marked by a crease; paw at the paw's centre; whisker(I), (II), (III) at the whiskers' tips.
// Frames are generated on demand (random access, nothing kept per frame), so a 100k-frame video
// streams in constant memory; only the truth tables grow, by about 40 numbers a frame. With the
// default noise, FFV1 stores a 256 x 256 frame in about 34 kB.
// Everything is determined by SynthParams (the seed included): the same parameters give the same
// frames with the same OpenCV build (its CPU-dispatched filters may round differently on another
// processor).
//
// Coordinates: (row, col) for centres and shifts, (x = col, y = row) for keypoints, as Facemap
// stores them; pixel centres are at whole numbers.

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "facemap/pose/pose_model.hpp"
#include "facemap/results.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// What the generator makes. Geometry scales with the frame size (laid out for 256 x 256).
struct SynthParams {
  int height = 256;                ///< at least 64
  int width = 256;                 ///< at least 64
  int nframes = 1000;              ///< at least 1
  double fps = 30;                 ///< frames per second (sets the time scale of every motion)
  std::uint64_t seed = 1;          ///< phases, blink times, wheel bouts, textures, noise
  double noise_sigma = 2.0;        ///< per-frame Gaussian pixel noise (gray levels), 0 for none
  bool corneal_reflection = true;  ///< draw the reflection in the eye
  /// The reflection's centre relative to the eye's centre, in pixels (row, col) at 256 x 256.
  Eigen::Vector2d reflection_offset{-1.0, 1.5};
  double whisk_hz = 4.0;        ///< whisking (and sniffing) frequency
  double blink_interval_s = 5;  ///< mean time between blinks (the first comes after ~1 s)
  int blink_frames = 9;         ///< frames a blink lasts (lid closing then opening)
  int max_wheel_shift = 3;      ///< largest |dx| of the wheel per frame (|dy| at most 1)
};

/// The truth of one frame.
struct FaceTruth {
  Eigen::Vector2d pupil_centre;  ///< (row, col)
  Eigen::Vector2d pupil_radii;   ///< (rows, cols): semi-axes of the pupil ellipse
  double pupil_area = 0;         ///< pi * radii(0) * radii(1), pixels^2
  double lid_closure = 0;        ///< 0 open .. 1 closed (the lid covers that fraction of the eye)
  /// (dy, dx) the wheel's texture moved since the previous frame ((0, 0) for frame 0): frame t
  /// shows frame t-1's texture moved by this, the convention of facemap/roi/running.hpp.
  Eigen::Vector2d wheel_shift;
  double whisker_angle = 0;  ///< radians, the whiskers' rotation from their rest angle
  /// (x, y) of Facemap's 15 keypoints, in kFaceKeypointNames order.
  Eigen::Matrix<double, 15, 2> keypoints;
};

/// The truth of every frame.
struct SynthTruth {
  Eigen::MatrixX2d pupil_centre;  ///< nframes x (row, col)
  Eigen::MatrixX2d pupil_radii;   ///< nframes x (rows, cols)
  Eigen::VectorXd pupil_area;
  Eigen::VectorXd lid_closure;
  Eigen::MatrixX2d wheel_shift;  ///< nframes x (dy, dx)
  Eigen::VectorXd whisker_angle;
  Eigen::MatrixXd keypoint_x;  ///< nframes x 15, kFaceKeypointNames order
  Eigen::MatrixXd keypoint_y;  ///< nframes x 15

  int nframes() const { return static_cast<int>(pupil_area.size()); }
  /// Frames where the lid is at least half closed.
  std::vector<int> blink_frames() const;
};

/// The regions to analyse in the generated face, with thresholds suited to its intensities.
struct SynthRois {
  Roi pupil;    ///< the eye's box, saturation 110, a reflector over the corneal reflection
  Roi motion;   ///< whiskers and snout
  Roi blink;    ///< the eye's box, saturation 140 (between iris and lid)
  Roi running;  ///< the wheel patch
  /// pupil, motion, blink, running (Facemap's region codes in order).
  std::vector<Roi> all() const { return {pupil, motion, blink, running}; }
};

/// The generator. A FrameSource, so the engines can analyse it without a video file.
class SyntheticFace : public FrameSource {
 public:
  /// Throws std::invalid_argument naming the parameter when one is out of range.
  explicit SyntheticFace(const SynthParams& params);
  ~SyntheticFace() override;

  const SynthParams& params() const;
  int nframes() const override;
  std::vector<FrameSize> view_sizes() const override;

  /// Frame t (0 <= t < nframes(); std::out_of_range otherwise).
  GrayFrame frame(int t) const;
  /// The truth of frame t (std::out_of_range outside the video).
  FaceTruth truth(int t) const;
  /// The truth of every frame.
  SynthTruth all_truth() const;
  /// Suggested regions for this face.
  SynthRois rois() const;

 protected:
  void read_checked(int first, int count, const BatchConsumer& consume,
                    int batch_size) const override;

 private:
  struct Model;
  std::unique_ptr<const Model> model_;
};

/// The columns of the truth file, in order: pupil_row, pupil_col, pupil_radius_rows,
/// pupil_radius_cols, pupil_area, lid_closure, wheel_dy, wheel_dx, whisker_angle, then
/// "<keypoint>_x", "<keypoint>_y" for each keypoint in kFaceKeypointNames order (39 in all).
std::vector<std::string> synth_truth_columns();

/// Writes the truth as a (nframes, 39) float64 .npy file, columns as synth_truth_columns().
/// Throws NpyError naming the file when it cannot be written.
void write_synth_truth(const std::filesystem::path& path, const SynthTruth& truth);
/// Reads a file written by write_synth_truth. Throws NpyError naming the file when it cannot be
/// read or does not have 39 columns.
SynthTruth read_synth_truth(const std::filesystem::path& path);

/// Receives how many frames have been written.
using SynthProgress = std::function<void(int frames_done, int frames_total)>;

/// Streams the generated frames into a lossless FFV1 grayscale AVI at `video` and the truth into
/// `truth_file` (write_synth_truth), and returns the truth. Throws VideoError naming the file
/// when the video cannot be written.
SynthTruth write_synthetic_video(const SyntheticFace& face, const std::filesystem::path& video,
                                 const std::filesystem::path& truth_file,
                                 const SynthProgress& progress = {});

}  // namespace facemap
