#pragma once
// The results of Facemap's SVD analysis, as plain data. Both our own engine (facemap/svd/svd.hpp,
// facemap/roi/roi.hpp) and the reader of Facemap's `_proc.npy` (facemap/io/proc_file.hpp) produce this
// struct, so the pipeline stores either the same way.
//
// Conventions: images are Eigen matrices (rows = y, cols = x); a set of spatial components is a
// matrix with one column per component and one row per pixel, pixels in row-major order
// (index = y * lx + x), which is Facemap's own flattening; traces have one row per frame.

#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace facemap {

/// Facemap's region codes (the `rind` of a ROI).
enum class RoiType { pupil = 0, motion = 1, blink = 2, running = 3, keypoint_box = 4 };

/// A region of interest, in full-resolution pixels of one view.
struct Roi {
  RoiType type = RoiType::motion;
  std::string name;
  int view = 0;                 ///< which simultaneous view (camera) the region is in
  std::vector<int> yrange;      ///< full-resolution row indices (consecutive)
  std::vector<int> xrange;      ///< full-resolution column indices (consecutive)
  std::vector<int> yrange_bin;  ///< row indices after spatial binning
  std::vector<int> xrange_bin;  ///< column indices after spatial binning
  double saturation = 0;        ///< pupil and blink: intensity threshold (0-255)
  double pupil_sigma = 2.0;     ///< pupil: the fit's sigma
  /// Pupil and blink: the ellipse inscribed in the rectangle, rows x cols of the crop
  /// (true inside). Empty means the full inscribed ellipse.
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> ellipse;
  /// Pupil: reflector masks, each rows x cols of the crop (true on the corneal reflection).
  std::vector<Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>> reflectors;
};

/// Spatial components with their singular values and time courses.
struct SvdComponents {
  int ly = 0, lx = 0;               ///< binned size of the region
  Eigen::MatrixXf masks;            ///< (ly * lx) x ncomp, unit-norm columns
  Eigen::VectorXf singular_values;  ///< ncomp, descending
  Eigen::MatrixXf projections;      ///< nframes x ncomp
};

/// A motion-SVD region: the full frame (roi_no 0) or a rectangle.
struct SvdRegion {
  int roi_no = 0;                           ///< 0 = full frame when computed, then 1, 2, ...
  std::optional<Roi> roi;                   ///< absent for the full frame
  Eigen::VectorXf motion;                   ///< nframes: sum over pixels of |frame - previous|
  std::optional<SvdComponents> motion_svd;  ///< present when motion SVD ran
  std::optional<SvdComponents> movie_svd;   ///< present when movie SVD ran
};

/// Pupil traces of one pupil region (float64, as Facemap stores them).
struct PupilTrace {
  int roi_index = 0;            ///< index into FacemapResult::rois
  Eigen::VectorXd area;         ///< nframes, pixels^2 (NaN where the fit failed)
  Eigen::VectorXd area_smooth;  ///< nframes
  Eigen::MatrixXd com;          ///< nframes x 2 (row, col), full-frame pixels
  Eigen::MatrixXd com_smooth;   ///< nframes x 2
  Eigen::MatrixXd axlen;        ///< nframes x 2 (variances along the axes, descending)
  Eigen::MatrixXd axdir;        ///< nframes x 4: the 2x2 axis matrix per frame, row-major
};

/// Blink trace of one blink region.
struct BlinkTrace {
  int roi_index = 0;
  Eigen::VectorXd blink;  ///< nframes
};

/// Running (frame-to-frame shift) of one running region.
struct RunningTrace {
  int roi_index = 0;
  Eigen::VectorXd dy;  ///< nframes, pixels; frame 0 is 0
  Eigen::VectorXd dx;
};

/// Everything the SVD analysis of one recording produces.
struct FacemapResult {
  std::vector<std::string> filenames;  ///< the recording's files (first view's, in time order)
  std::vector<int> ly, lx;             ///< full-resolution size per view
  int sbin = 4;                        ///< spatial binning
  bool full_svd = true;                ///< whether the full-frame region was computed
  int nframes = 0;
  Eigen::MatrixXf avgframe;            ///< binned mean frame (LYbin x LXbin)
  Eigen::MatrixXf avgmotion;           ///< binned mean motion frame
  std::vector<Roi> rois;               ///< every region, in the order given
  std::vector<SvdRegion> svd_regions;  ///< full frame (if computed) then motion regions
  std::vector<PupilTrace> pupils;
  std::vector<BlinkTrace> blinks;
  std::vector<RunningTrace> running;
  /// What the analysis could not do exactly as asked, for the caller to pass on (kept in
  /// memory only: the proc file does not hold it).
  std::vector<std::string> warnings;
};

}  // namespace facemap
