#include "facemap/svd/binning.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace facemap {
namespace {

// Writes the binned `frame` into `out`, whose rows are `row_stride` floats apart. Written by
// hand rather than with cv::resize(INTER_AREA), which returns the source's 8-bit depth unless the
// whole frame is first converted to float: here the block sums stay exact integers, the frame is
// read once, and the inner loops are plain arrays the compiler vectorises. `Sum` holds a block's
// sum (at most 255 * sbin^2); with kSbin > 0 the bin size is a compile-time constant, which lets
// the compiler vectorise the sums across each block too (sbin is the same for every frame).
template <class Sum, int kSbin>
void bin_rows(const GrayFrame& frame, int runtime_sbin, float* out, Eigen::Index row_stride) {
  const int sbin = kSbin > 0 ? kSbin : runtime_sbin;
  const FrameSize binned =
      binned_size({static_cast<int>(frame.rows()), static_cast<int>(frame.cols())}, sbin);
  const int width = binned.width * sbin;
  const float scale = 1.0f / static_cast<float>(sbin * sbin);
  std::vector<Sum> column_sums(width);
  for (int y = 0; y < binned.height; ++y) {
    std::fill(column_sums.begin(), column_sums.end(), Sum{0});
    for (int r = 0; r < sbin; ++r) {
      const std::uint8_t* row = frame.data() + (std::size_t(y) * sbin + r) * frame.cols();
      for (int x = 0; x < width; ++x) column_sums[x] = Sum(column_sums[x] + row[x]);
    }
    float* binned_row = out + y * row_stride;
    for (int x = 0; x < binned.width; ++x) {
      Sum block = 0;
      for (int c = 0; c < sbin; ++c) block = Sum(block + column_sums[std::size_t(x) * sbin + c]);
      binned_row[x] = static_cast<float>(block) * scale;
    }
  }
}

void bin_into(const GrayFrame& frame, int sbin, float* out, Eigen::Index row_stride) {
  // 16-bit sums hold 255 * sbin^2 up to sbin 16.
  switch (sbin) {
    case 2:
      return bin_rows<std::uint16_t, 2>(frame, sbin, out, row_stride);
    case 4:
      return bin_rows<std::uint16_t, 4>(frame, sbin, out, row_stride);
    case 8:
      return bin_rows<std::uint16_t, 8>(frame, sbin, out, row_stride);
    default:
      if (sbin <= 16) return bin_rows<std::uint16_t, 0>(frame, sbin, out, row_stride);
      return bin_rows<std::uint32_t, 0>(frame, sbin, out, row_stride);
  }
}

}  // namespace

FrameSize binned_size(FrameSize full, int sbin) {
  if (sbin < 1) throw std::invalid_argument("sbin must be at least 1, not " + std::to_string(sbin));
  return {full.height / sbin, full.width / sbin};
}

BinnedImage bin_frame(const GrayFrame& frame, int sbin) {
  const FrameSize binned =
      binned_size({static_cast<int>(frame.rows()), static_cast<int>(frame.cols())}, sbin);
  BinnedImage image(binned.height, binned.width);
  bin_into(frame, sbin, image.data(), binned.width);
  return image;
}

namespace {

std::vector<int> indices_between(int first, int end) {
  std::vector<int> indices;
  for (int i = first; i < end; ++i) indices.push_back(i);
  return indices;
}

void check_sbin(int sbin) {
  if (sbin < 1) throw std::invalid_argument("sbin must be at least 1, not " + std::to_string(sbin));
}

}  // namespace

std::vector<int> binned_rows(const std::vector<int>& full_range, int sbin) {
  check_sbin(sbin);
  if (full_range.empty()) return {};
  return indices_between(full_range.front() / sbin, full_range.back() / sbin);
}

std::vector<int> binned_columns(const std::vector<int>& full_range, int sbin) {
  check_sbin(sbin);
  if (full_range.empty()) return {};
  // arange(a, b) with b = last / sbin unrounded ends at ceil(b) - 1.
  return indices_between(full_range.front() / sbin, (full_range.back() + sbin - 1) / sbin);
}

BinnedCanvas::BinnedCanvas(const std::vector<FrameSize>& views, int sbin) : sbin_(sbin) {
  if (views.empty()) throw std::invalid_argument("a canvas needs at least one view");
  for (std::size_t v = 0; v < views.size(); ++v) {
    const FrameSize binned = binned_size(views[v], sbin);
    if (binned.height < 1 || binned.width < 1) {
      throw std::invalid_argument(
          "view " + std::to_string(v) + " (" + std::to_string(views[v].height) + "x" +
          std::to_string(views[v].width) + ") is smaller than sbin " + std::to_string(sbin));
    }
    views_.push_back({binned, size_.width});
    size_.width += binned.width;
    size_.height = std::max(size_.height, binned.height);
  }
}

void BinnedCanvas::bin(const FrameBatch& batch, int index, float* out) const {
  for (std::size_t v = 0; v < views_.size(); ++v) {
    bin_into(batch.views[v][index], sbin_, out + views_[v].column, size_.width);
  }
}

std::vector<int> BinnedCanvas::view_pixels() const {
  std::vector<int> pixels;
  for (int y = 0; y < size_.height; ++y) {
    for (const auto& view : views_) {
      if (y >= view.size.height) continue;
      for (int x = 0; x < view.size.width; ++x) pixels.push_back(y * size_.width + view.column + x);
    }
  }
  return pixels;
}

std::vector<int> BinnedCanvas::region_pixels(const Roi& roi) const {
  const std::vector<int> rows =
      roi.yrange_bin.empty() ? binned_rows(roi.yrange, sbin_) : roi.yrange_bin;
  const std::vector<int> columns =
      roi.xrange_bin.empty() ? binned_columns(roi.xrange, sbin_) : roi.xrange_bin;
  const auto outside = [](const std::vector<int>& range, int size) {
    return range.empty() || range.front() < 0 || range.back() >= size;
  };
  if (roi.view < 0 || roi.view >= static_cast<int>(views_.size()) ||
      outside(rows, view_size(roi.view).height) || outside(columns, view_size(roi.view).width)) {
    throw std::invalid_argument("region '" + roi.name + "' lies outside view " +
                                std::to_string(roi.view) + " at sbin " + std::to_string(sbin_));
  }
  std::vector<int> pixels;
  for (int y : rows) {
    for (int x : columns) pixels.push_back(y * size_.width + view_column(roi.view) + x);
  }
  return pixels;
}

}  // namespace facemap
