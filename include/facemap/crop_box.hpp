#pragma once
// The rectangle of a frame that the keypoint network looks at (Facemap's `bbox`).

namespace facemap {

/// A rectangle of a frame, in full-frame pixels, half-open: rows [row_begin, row_end),
/// columns [col_begin, col_end). Facemap stores it as its `bbox` [row_begin, row_end,
/// col_begin, col_end] (and names these x1, x2, y1, y2).
struct CropBox {
  int row_begin = 0;
  int row_end = 0;
  int col_begin = 0;
  int col_end = 0;

  /// The whole of a height x width frame (Facemap's default when no box is set).
  static CropBox full_frame(int height, int width) { return {0, height, 0, width}; }
  int height() const { return row_end - row_begin; }
  int width() const { return col_end - col_begin; }
  bool operator==(const CropBox& other) const {
    return row_begin == other.row_begin && row_end == other.row_end &&
           col_begin == other.col_begin && col_end == other.col_end;
  }
};

}  // namespace facemap
