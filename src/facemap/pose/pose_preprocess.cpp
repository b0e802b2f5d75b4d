// Frames to network input: percentile normalisation, crop, square padding, resize to 256 x 256.

#include <array>
#include <cmath>

#include "pose_network.hpp"
#include "pose_tensors.hpp"

namespace facemap {
namespace {

// The k-th smallest pixel (0-based) of a histogram of 8-bit pixels.
float order_statistic(const std::array<std::int64_t, 256>& histogram, std::int64_t k) {
  std::int64_t seen = 0;
  for (int value = 0; value < 256; ++value) {
    seen += histogram[value];
    if (seen > k) return static_cast<float>(value);
  }
  return 255.0f;
}

// torch.quantile(x, q) with linear interpolation, in its float32 arithmetic: rank q * (n - 1),
// the elements below and above it, and torch.lerp between them.
float quantile(const std::array<std::int64_t, 256>& histogram, std::int64_t count, float q) {
  const float rank = q * static_cast<float>(count - 1);
  const auto below_rank = static_cast<std::int64_t>(rank);
  const auto above_rank = static_cast<std::int64_t>(std::ceil(rank));
  const float weight = rank - static_cast<float>(below_rank);
  const float below = order_statistic(histogram, below_rank);
  const float above = order_statistic(histogram, above_rank);
  return weight < 0.5f ? below + weight * (above - below)
                       : above - (above - below) * (1.0f - weight);
}

void check_box(const GrayFrame& frame, const CropBox& box) {
  if (box.row_begin < 0 || box.col_begin < 0 || box.height() < 1 || box.width() < 1 ||
      box.row_end > frame.rows() || box.col_end > frame.cols())
    throw std::invalid_argument("crop box rows " + std::to_string(box.row_begin) + ".." +
                                std::to_string(box.row_end) + ", columns " +
                                std::to_string(box.col_begin) + ".." + std::to_string(box.col_end) +
                                " does not fit in a " + std::to_string(frame.rows()) + " x " +
                                std::to_string(frame.cols()) + " frame");
}

}  // namespace

SquarePadding square_padding(int height, int width) {
  SquarePadding padding;
  padding.side = std::max(height, width) + (std::abs(height - width) % 2);
  const int rows = padding.side - height, cols = padding.side - width;
  padding.top = rows / 2;
  padding.bottom = rows - padding.top;
  padding.left = cols / 2;
  padding.right = cols - padding.left;
  return padding;
}

IntensityRange percentile_range(const std::vector<const GrayFrame*>& frames) {
  std::array<std::int64_t, 256> histogram{};
  std::int64_t count = 0;
  for (const GrayFrame* frame : frames) {
    const std::uint8_t* pixels = frame->data();
    for (Eigen::Index i = 0; i < frame->size(); ++i) ++histogram[pixels[i]];
    count += frame->size();
  }
  if (count == 0) throw std::invalid_argument("percentiles of no pixels");
  return {quantile(histogram, count, 0.01f), quantile(histogram, count, 0.99f)};
}

namespace detail {

torch::Tensor preprocess_batch(const std::vector<GrayFrame>& frames, const CropBox& box,
                               int frames_normalised_together, const torch::Device& device) {
  if (frames.empty()) throw std::invalid_argument("no frames to preprocess");
  if (frames_normalised_together < 1)
    throw std::invalid_argument("frames normalised together must be at least 1");
  const auto count = static_cast<std::int64_t>(frames.size());
  for (std::int64_t i = 0; i < count; ++i) {
    if (frames[i].rows() != frames[0].rows() || frames[i].cols() != frames[0].cols())
      throw std::invalid_argument("frame " + std::to_string(i) + " of the batch has another size");
    check_box(frames[i], box);
  }
  torch::Tensor crops = torch::empty({count, 1, box.height(), box.width()}, torch::kUInt8);
  torch::Tensor low = torch::empty({count, 1, 1, 1}, torch::kFloat32);
  torch::Tensor high = torch::empty({count, 1, 1, 1}, torch::kFloat32);
  for (std::int64_t first = 0; first < count; first += frames_normalised_together) {
    const std::int64_t last = std::min(count, first + frames_normalised_together);
    std::vector<const GrayFrame*> group;
    for (std::int64_t i = first; i < last; ++i) group.push_back(&frames[i]);
    IntensityRange range = percentile_range(group);
    // Decision: a flat image (high == low) would divide by zero (Facemap gives NaNs); it
    // becomes all zeros instead.
    if (!(range.high > range.low)) range.high = range.low + 1;
    low.slice(0, first, last).fill_(range.low);
    high.slice(0, first, last).fill_(range.high);
  }
  for (std::int64_t i = 0; i < count; ++i) {
    const GrayFrame& frame = frames[i];
    const torch::Tensor whole = torch::from_blob(const_cast<std::uint8_t*>(frame.data()),
                                                 {frame.rows(), frame.cols()}, torch::kUInt8);
    crops[i][0].copy_(
        whole.slice(0, box.row_begin, box.row_end).slice(1, box.col_begin, box.col_end));
  }
  // The same float32 operations as Facemap: (x - low) / (high - low), pad, resize.
  const torch::Tensor low_on_device = low.to(device), high_on_device = high.to(device);
  const torch::Tensor normalised =
      (crops.to(device).to(torch::kFloat32) - low_on_device) / (high_on_device - low_on_device);
  const SquarePadding padding = square_padding(box.height(), box.width());
  const torch::Tensor square = torch::constant_pad_nd(
      normalised, {padding.left, padding.right, padding.top, padding.bottom}, 0);
  return torch::nn::functional::interpolate(
      square, torch::nn::functional::InterpolateFuncOptions()
                  .size(std::vector<std::int64_t>{kPoseInputSize, kPoseInputSize})
                  .mode(torch::kBilinear)
                  .align_corners(false));
}

}  // namespace detail

RowMajorArray preprocess_frames(const std::vector<GrayFrame>& frames, const CropBox& box,
                          int frames_normalised_together) {
  return detail::to_ndarray(
      detail::preprocess_batch(frames, box, frames_normalised_together, torch::kCPU));
}

}  // namespace facemap
