#include "facemap/roi/roi_mask.hpp"

namespace facemap {

RoiMask inscribed_ellipse(int rows, int cols) {
  const double centre_y = rows / 2.0, centre_x = cols / 2.0;
  RoiMask mask(rows, cols);
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < cols; ++x) {
      const double dy = (y - centre_y) / centre_y, dx = (x - centre_x) / centre_x;
      mask(y, x) = dy * dy + dx * dx <= 1.0;
    }
  }
  return mask;
}

}  // namespace facemap
