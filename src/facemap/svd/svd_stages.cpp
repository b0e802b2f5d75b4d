#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "facemap/svd/svd.hpp"
#include "parallel.hpp"

namespace facemap {
namespace {

// Facemap's sampling limits.
constexpr int kMeanSegmentFrames = 100;
constexpr int kMeanSampledFrames = 1000;
constexpr int kChunkFrames = 1000;
constexpr int kSampledChunkFrames = 15000;
constexpr int kComponentsPerChunk = 250;

// floor(numpy.linspace(0, stop, count)), with numpy's arithmetic (start + i * step, last = stop)
// so that the starts are Facemap's to the frame.
std::vector<int> floored_linspace(int stop, int count) {
  std::vector<int> values;
  const double step = count > 1 ? static_cast<double>(stop) / (count - 1) : 0.0;
  for (int i = 0; i < count; ++i) {
    const double value = (i == count - 1 && count > 1) ? stop : i * step;
    values.push_back(std::max(0, static_cast<int>(std::floor(value))));
  }
  return values;
}

std::vector<FrameRange> ranges(const std::vector<int>& starts, int count) {
  std::vector<FrameRange> result;
  for (int start : starts) result.push_back({start, count});
  return result;
}

}  // namespace

std::vector<FrameRange> mean_image_segments(int nframes) {
  if (nframes < 1) return {};
  const int segment = std::min(kMeanSegmentFrames, nframes);
  const int count = std::min(kMeanSampledFrames, nframes) / segment;
  return ranges(floored_linspace(nframes - segment, count), segment);
}

std::vector<FrameRange> svd_chunks(int nframes) {
  if (nframes < 1) return {};
  const int chunk = std::min(kChunkFrames, nframes);
  const int count = std::min(kSampledChunkFrames / chunk, nframes / chunk);
  return ranges(floored_linspace(nframes - chunk - 1, count), chunk);
}

int components_per_chunk(int chunk_frames, std::size_t chunks, int components) {
  return std::min(chunks == 1 ? components : kComponentsPerChunk, chunk_frames - 1);
}

Eigen::MatrixXf read_binned(const FrameSource& source, const BinnedCanvas& canvas,
                            FrameRange range) {
  Eigen::MatrixXf binned = Eigen::MatrixXf::Zero(canvas.pixels(), range.count);
  source.read(range.first, range.count, [&](const FrameBatch& batch) {
    for (int i = 0; i < batch.size(); ++i) {
      canvas.bin(batch, i, binned.col(batch.first_frame - range.first + i).data());
    }
  });
  return binned;
}

namespace {

std::vector<FrameRange> checked_mean_image_segments(int nframes) {
  std::vector<FrameRange> segments = mean_image_segments(nframes);
  if (segments.empty() || segments.front().count < 2) {
    throw std::invalid_argument("the mean images need at least 2 frames, the recording has " +
                                std::to_string(nframes));
  }
  return segments;
}

// One segment's share: the mean of its frames and of their changes.
MeanImages segment_means(const Eigen::Ref<const Eigen::MatrixXf>& binned) {
  const Eigen::Index n = binned.cols();
  return {binned.rowwise().mean(),
          (binned.rightCols(n - 1) - binned.leftCols(n - 1)).cwiseAbs().rowwise().mean()};
}

// The mean over the segments of their means, added in segment order.
MeanImages average(const std::vector<MeanImages>& parts) {
  MeanImages means = parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) {
    means.frame += parts[i].frame;
    means.motion += parts[i].motion;
  }
  means.frame /= static_cast<float>(parts.size());
  means.motion /= static_cast<float>(parts.size());
  return means;
}

}  // namespace

MeanImages mean_images(const BinnedReader& read, int nframes) {
  const std::vector<FrameRange> segments = checked_mean_image_segments(nframes);
  std::vector<MeanImages> parts;
  for (const FrameRange& segment : segments) parts.push_back(segment_means(read(segment)));
  return average(parts);
}

MeanImages mean_images(const Eigen::Ref<const Eigen::MatrixXf>& frames) {
  const std::vector<FrameRange> segments =
      checked_mean_image_segments(static_cast<int>(frames.cols()));
  std::vector<MeanImages> parts(segments.size());
  detail::parallel_for(static_cast<int>(segments.size()), [&](int i) {
    parts[i] = segment_means(frames.middleCols(segments[i].first, segments[i].count));
  });
  return average(parts);
}

}  // namespace facemap
