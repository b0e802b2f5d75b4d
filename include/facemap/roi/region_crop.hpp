#pragma once
// Where a region of interest lies in the frames of its view: checked once, when an analysis of
// the region is prepared, so that each frame only needs its size checked.

#include <string>

#include "facemap/results.hpp"
#include "facemap/roi/roi_mask.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// A region of `type` over rows top .. top + rows - 1 and columns left .. left + cols - 1 (its
/// consecutive yrange and xrange); every other field keeps its default.
Roi rectangle_region(RoiType type, int top, int left, int rows, int cols);

/// "pupil region 'name'" (without the quoted name when it is empty), for error messages.
std::string region_label(const Roi& roi);

/// A region's rectangle in full-resolution pixels of its view.
class RegionCrop {
 public:
  /// Throws std::invalid_argument naming the region when a range is empty or not consecutive,
  /// or when the rectangle does not fit in `view`.
  RegionCrop(const Roi& roi, FrameSize view);

  int top() const { return top_; }
  int left() const { return left_; }
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  /// region_label() of the region.
  const std::string& label() const { return label_; }

  /// The region's ellipse: Roi::ellipse, or inscribed_ellipse() when that is empty. Throws
  /// std::invalid_argument naming the region when the mask's size differs from the rectangle's.
  RoiMask ellipse(const Roi& roi) const;
  /// Checks that `mask` (what = "reflector 0", say) has the rectangle's size; throws
  /// std::invalid_argument naming the region and `what` otherwise.
  void check_mask(const RoiMask& mask, const std::string& what) const;
  /// Throws std::invalid_argument naming the region when `frame` is not of the view's size.
  void check_frame(const GrayFrame& frame) const;

 private:
  std::string label_;
  FrameSize view_;
  int top_ = 0, left_ = 0, rows_ = 0, cols_ = 0;
};

}  // namespace facemap
