#pragma once
// Spatial binning (Facemap's `sbin`) and the layout of binned views.
//
// A view of Ly x Lx pixels bins to floor(Ly / sbin) x floor(Lx / sbin): the frame is cropped to
// whole blocks and each sbin x sbin block is averaged. The binned views of a recording sit side by
// side, left to right and top-aligned, in one "canvas" image; its pixels, flattened row-major, are
// the rows of every SVD data matrix and mask. With one view the canvas is that view's binned frame.
// Below a view shorter than the tallest, the canvas holds padding that takes no part in the
// analysis (zero in the mean images and the masks).

#include <vector>

#include <Eigen/Core>

#include "facemap/results.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// A binned image, rows = y, row-major like the canvas's flattening.
using BinnedImage = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Facemap's binned size: floor(height / sbin) x floor(width / sbin).
FrameSize binned_size(FrameSize full, int sbin);

/// Averages each sbin x sbin block of `frame`, cropped to whole blocks.
BinnedImage bin_frame(const GrayFrame& frame, int sbin);

/// The binned rows of a region's consecutive full-resolution rows `full_range`, by Facemap's
/// rule: floor(first / sbin) up to, not including, floor(last / sbin). (The fixture's motion
/// region, rows 80..149, gives 20..36.)
std::vector<int> binned_rows(const std::vector<int>& full_range, int sbin);

/// The binned columns, by Facemap's rule for columns, which differs from its rule for rows:
/// floor(first / sbin) up to, not including, last / sbin unrounded, so that one more column is
/// included when `last` is not a multiple of sbin (columns 10..97 give 2..24, rows 10..97 would
/// give 2..23). Facemap writes np.arange(floor(x0 / sbin), floor(x1) / sbin), its parentheses
/// misplaced; we keep its extent so that masks have the shape of Facemap's.
std::vector<int> binned_columns(const std::vector<int>& full_range, int sbin);

/// The binned views of a recording, side by side.
class BinnedCanvas {
 public:
  /// Throws std::invalid_argument when sbin < 1 or a view is smaller than one block.
  BinnedCanvas(const std::vector<FrameSize>& views, int sbin);

  int sbin() const { return sbin_; }
  /// Size of the whole canvas.
  FrameSize size() const { return size_; }
  /// height * width.
  int pixels() const { return size_.height * size_.width; }
  /// Number of views.
  int views() const { return static_cast<int>(views_.size()); }
  /// Binned size of a view.
  FrameSize view_size(int view) const { return views_.at(view).size; }
  /// The canvas column where a view starts.
  int view_column(int view) const { return views_.at(view).column; }

  /// Bins frame `index` of every view of `batch` into `out` (pixels() values, row-major).
  /// Padding pixels are left untouched.
  void bin(const FrameBatch& batch, int index, float* out) const;
  /// The canvas pixels (row-major indices) that belong to a view: all but the padding.
  std::vector<int> view_pixels() const;
  /// The canvas pixels of a rectangle region, row-major within the region. Uses the region's
  /// binned ranges, or computes them with binned_rows() / binned_columns() when they are empty.
  /// Throws
  /// std::invalid_argument naming the region when it lies outside its view.
  std::vector<int> region_pixels(const Roi& roi) const;

 private:
  struct View {
    FrameSize size;
    int column = 0;
  };
  int sbin_;
  FrameSize size_;
  std::vector<View> views_;
};

}  // namespace facemap
