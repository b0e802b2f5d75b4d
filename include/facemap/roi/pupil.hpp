#pragma once
// Facemap's pupil analysis, frame by frame, on the unmodified 8-bit grayscale frame.
//
// Within the region's ellipse every pixel darker than the region's saturation weighs
// `saturation - intensity`; a 2-D Gaussian is fitted to these weights (weighted mean and
// covariance + 0.01 I), then refitted 5 times: pixels farther than 2 sigma^2 (squared Mahalanobis
// distance) are dropped for good, and the pixels of the reflector masks (corneal reflections, left
// out of the fit at first) within 1.15 sigma^2 get 1.1 times the median weight of the pixels
// within sigma^2, so that a bright reflection inside the pupil counts as pupil. The axes are the
// eigen-decomposition of sigma^2 times the covariance; for a uniformly dark ellipse of radii a, b
// and sigma 2 the variances are a^2 and b^2, so `area` is the ellipse's area.
//
// Departures from Facemap (facemap-algorithms.md): the centre is in full-frame pixels (Facemap's
// is relative to the region), the axes are sorted (Facemap keeps numpy's unsorted eigenvalue
// order), and the frame is never altered.

#include <Eigen/Core>

#include "facemap/roi/region_crop.hpp"
#include "facemap/results.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// The pupil of one frame.
struct PupilFit {
  /// False when the fit failed (no pixel darker than the saturation, or none left near the
  /// centre); every other field is then NaN, as in Facemap's traces.
  bool valid = false;
  Eigen::Vector2d com;    ///< centre (row, col), full-frame pixels
  Eigen::Vector2d axlen;  ///< sigma^2 x variance along each axis, major first; major <= 4 x minor
  /// Unit axes as columns (row and column components), major first; each axis's larger-magnitude
  /// component is positive.
  Eigen::Matrix2d axdir;
  double area = 0;  ///< pi * sqrt(axlen(0) * axlen(1)), pixels^2
};

/// The pupil fit of one pupil region, prepared once for a stream of frames.
class PupilFitter {
 public:
  /// Throws std::invalid_argument naming the region when it lies outside `view`, or when its
  /// ellipse or a reflector mask differs in size from its rectangle.
  PupilFitter(const Roi& roi, FrameSize view);

  /// Fits the pupil in `frame`, a frame of the region's view (std::invalid_argument otherwise).
  PupilFit fit(const GrayFrame& frame) const;

 private:
  RegionCrop crop_;
  double saturation_ = 0, sigma_ = 0;
  Eigen::Matrix2Xi candidates_;  ///< (row, col) in the crop: ellipse pixels off the reflectors
  Eigen::Matrix2Xd reflector_;   ///< (row, col) in the crop: pixels of any reflector mask
};

/// Fits one frame's pupil (a PupilFitter made for this call).
PupilFit fit_pupil(const GrayFrame& frame, const Roi& roi);

/// Facemap's smoothing of a pupil trace (area, or one coordinate of the centre):
/// 1. a running median over 30 frames, frames t - 14 .. t + 15, ignoring NaN;
/// 2. where the trace or its median is NaN, the trace is interpolated linearly (held constant
///    beyond the ends) from the median at the other frames (0 everywhere if there are none);
/// 3. values farther than half the trace's standard deviation from the median are replaced by it.
/// **Decision:** within 14 frames of either end the window is the largest one centred on the
/// frame (frame 0's is frame 0 alone). Facemap pads the window with zeros there, which drags the
/// medians of the first and last frames toward 0 and then replaces good values by them, and an
/// uncentred window would do the same on any trend; interior frames are as Facemap's.
Eigen::VectorXd smooth_pupil_trace(const Eigen::VectorXd& trace);

}  // namespace facemap
