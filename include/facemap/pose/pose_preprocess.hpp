#pragma once
// How Facemap turns video frames into the keypoint network's input, and the network's outputs
// back into keypoints in the frame:
//  1. intensities to float, normalised so that the 1st percentile becomes 0 and the 99th 1
//     (linear-interpolation quantiles, torch.quantile's, over all pixels of the frames that are
//     normalised together: Facemap normalises each inference batch as a whole);
//  2. crop to the box; 3. zero padding to a square (see square_padding);
//  4. bilinear resize to 256 x 256 (align_corners=False, no antialiasing).
// Back: the first maximum of each 64 x 64 heatmap at (row, col) gives
// x = (col - 6 locy) * 4, y = (row - 6 locx) * 4 in input pixels and the likelihood
// sigmoid(maximum); then undo the resize, the padding and the crop. The arithmetic is float32 in
// Facemap's order, so that results agree with Facemap's to float32 rounding.

#include <vector>

#include "facemap/crop_box.hpp"
#include "facemap/io/row_major_array.hpp"
#include "facemap/io/pose_h5.hpp"
#include "facemap/pose/pose_model.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// The zero padding that makes a height x width crop square. The side is the larger of the two,
/// plus one when they differ by an odd number (Facemap's rule, so 171 x 128 becomes 172 x 172:
/// 22 columns left and right, one row at the bottom); each dimension's padding is split with
/// the smaller half first (top, left).
struct SquarePadding {
  int top = 0, bottom = 0, left = 0, right = 0;
  int side = 0;  ///< side of the padded square
};
/// Facemap's padding of a height x width crop.
SquarePadding square_padding(int height, int width);

/// The 1st and 99th percentiles of the pixels of `frames` (all of them together), with
/// torch.quantile's float32 arithmetic; computed from a histogram, since pixels are 8-bit.
struct IntensityRange {
  float low = 0;   ///< becomes 0
  float high = 1;  ///< becomes 1
};
/// The range of the frames' pixels taken together; throws std::invalid_argument for no pixels.
IntensityRange percentile_range(const std::vector<const GrayFrame*>& frames);

/// Steps 1-4 for a batch: consecutive groups of `frames_normalised_together` frames share one
/// intensity range (the last group may be shorter). A group whose 1st and 99th percentiles are
/// equal (a flat image) becomes zeros, where Facemap would divide by zero (decision). Returns
/// (n, 1, 256, 256) float32. Throws std::invalid_argument when a frame's size differs or the box
/// leaves the frame.
RowMajorArray preprocess_frames(const std::vector<GrayFrame>& frames, const CropBox& box,
                          int frames_normalised_together = 1);

/// Decodes network outputs into keypoints in 256 x 256 input pixels (one row per image).
PoseTracks decode_keypoints(const NetworkOutputs& outputs,
                            const std::vector<std::string>& bodyparts);

/// Maps keypoints from input pixels to full-frame pixels of the frames cropped by `box`.
void map_to_frame(PoseTracks& keypoints, const CropBox& box);

}  // namespace facemap
