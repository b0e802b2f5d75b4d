#pragma once
// Masks of a region of interest (facemap::Roi) in the coordinates of its crop.

#include <Eigen/Core>

namespace facemap {

/// A boolean image: rows x cols of a region's crop.
using RoiMask = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;

/// The ellipse inscribed in a rows x cols rectangle, as Facemap draws pupil and blink regions:
/// pixel (y, x) is inside when ((y - rows/2) / (rows/2))^2 + ((x - cols/2) / (cols/2))^2 <= 1.
/// (This reproduces every mask in the fixtures' proc file exactly.) Roi::ellipse being empty
/// means this mask.
RoiMask inscribed_ellipse(int rows, int cols);

}  // namespace facemap
