#include <algorithm>
#include <stdexcept>
#include <string>

#include "facemap/video/video.hpp"

namespace facemap {

FrameArray::FrameArray(std::vector<GrayFrame> frames)
    : FrameArray(std::vector<std::vector<GrayFrame>>{std::move(frames)}) {}

FrameArray::FrameArray(std::vector<std::vector<GrayFrame>> views) : views_(std::move(views)) {
  if (views_.empty() || views_.front().empty()) {
    throw std::invalid_argument("a frame array needs at least one view with one frame");
  }
  for (std::size_t v = 0; v < views_.size(); ++v) {
    const auto& view = views_[v];
    if (view.size() != views_.front().size()) {
      throw std::invalid_argument("view " + std::to_string(v) + " has " +
                                  std::to_string(view.size()) + " frames, view 0 has " +
                                  std::to_string(views_.front().size()));
    }
    const auto differs = [&](const GrayFrame& frame) {
      return frame.rows() != view.front().rows() || frame.cols() != view.front().cols();
    };
    if (std::any_of(view.begin(), view.end(), differs)) {
      throw std::invalid_argument("the frames of view " + std::to_string(v) + " differ in size");
    }
  }
}

int FrameArray::nframes() const {
  return static_cast<int>(views_.front().size());
}

std::vector<FrameSize> FrameArray::view_sizes() const {
  std::vector<FrameSize> sizes;
  for (const auto& view : views_) {
    sizes.push_back({static_cast<int>(view.front().rows()), static_cast<int>(view.front().cols())});
  }
  return sizes;
}

void FrameArray::read_checked(int first, int count, const BatchConsumer& consume,
                              int batch_size) const {
  for (int start = first; start < first + count; start += batch_size) {
    const int end = std::min(start + batch_size, first + count);
    FrameBatch batch;
    batch.first_frame = start;
    for (const auto& view : views_)
      batch.views.emplace_back(view.begin() + start, view.begin() + end);
    consume(batch);
  }
}

}  // namespace facemap
