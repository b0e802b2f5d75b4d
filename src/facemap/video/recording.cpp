#include <cmath>
#include <mutex>
#include <thread>

#include <spdlog/fmt/fmt.h>

#include "bounded_queue.hpp"
#include "facemap/video/video.hpp"
#include "video_decoder.hpp"

namespace facemap {
namespace {

// Batches decoded ahead of the consumer: enough to keep the decoder busy while the consumer
// works on one batch, few enough to bound memory.
constexpr std::size_t kQueuedBatches = 3;

// Reads one view's frames in order across its files, from a recording-wide start frame.
class ViewReader {
 public:
  ViewReader(const std::vector<VideoFileInfo>& files, int first_frame) : files_(files) {
    int local = first_frame;
    while (local >= files_[file_].nframes) local -= files_[file_++].nframes;
    decoder_.emplace(files_[file_]);
    decoder_->seek(local);
  }

  void read(GrayFrame& out) {
    if (decoder_->next_frame() == files_[file_].nframes) decoder_.emplace(files_[++file_]);
    decoder_->read(out);
  }

 private:
  const std::vector<VideoFileInfo>& files_;
  std::size_t file_ = 0;
  std::optional<detail::VideoFileDecoder> decoder_;
};

int total_frames(const std::vector<VideoFileInfo>& files) {
  int total = 0;
  for (const auto& file : files) total += file.nframes;
  return total;
}

}  // namespace

Recording::Recording(const std::vector<std::filesystem::path>& files)
    : Recording(multi_view({files})) {}

Recording Recording::multi_view(const std::vector<std::vector<std::filesystem::path>>& views) {
  if (views.empty()) throw std::invalid_argument("a recording needs at least one view");
  std::vector<std::vector<VideoFileInfo>> infos(views.size());
  for (std::size_t v = 0; v < views.size(); ++v) {
    if (views[v].empty()) {
      throw std::invalid_argument("view " + std::to_string(v) + " of the recording has no file");
    }
    for (const auto& path : views[v]) infos[v].push_back(probe_video_file(path));
  }
  return Recording(std::move(infos));
}

Recording::Recording(std::vector<std::vector<VideoFileInfo>> views)
    : views_(std::move(views)), nframes_(total_frames(views_.front())) {
  for (std::size_t v = 0; v < views_.size(); ++v) {
    const auto& first = views_[v].front();
    for (const auto& file : views_[v]) {
      if (!(file.size == first.size)) {
        throw VideoError(file.path, -1,
                         "has frames of " + std::to_string(file.size.height) + "x" +
                             std::to_string(file.size.width) + ", unlike " + first.path.string());
      }
      // One rate makes one time axis: frames of a file at another rate would be given wrong
      // times, and the recording no single rate.
      if (std::abs(file.fps - first.fps) > 1e-6 * first.fps) {
        throw VideoError(file.path, -1,
                         fmt::format("plays at {:g} fps, unlike {} at {:g} fps: the files of a "
                                     "recording must share one frame rate",
                                     file.fps, first.path.string(), first.fps));
      }
    }
    if (total_frames(views_[v]) != nframes_) {
      throw VideoError(first.path, -1,
                       "view " + std::to_string(v) + " has " +
                           std::to_string(total_frames(views_[v])) +
                           " frames, the first view has " + std::to_string(nframes_));
    }
  }
}

std::vector<FrameSize> Recording::view_sizes() const {
  std::vector<FrameSize> sizes;
  for (const auto& view : views_) sizes.push_back(view.front().size);
  return sizes;
}

double Recording::fps() const {
  return views_.front().front().fps;
}

double Recording::duration_seconds() const {
  double seconds = 0;
  for (const auto& file : views_.front()) seconds += file.duration;
  return seconds;
}

std::optional<std::chrono::system_clock::time_point> Recording::creation_time() const {
  return views_.front().front().creation_time;
}

const std::vector<VideoFileInfo>& Recording::files(int view) const {
  return views_.at(view);
}

void Recording::read_checked(int first, int count, const BatchConsumer& consume,
                             int batch_size) const {
  detail::BoundedQueue<FrameBatch> queue(kQueuedBatches);
  // Consumed batches come back to the decoder, whose frames are decoded into their buffers: a
  // new buffer for every frame would be fresh memory, and a page fault per 4 KiB, each time.
  std::mutex spare_mutex;
  std::vector<FrameBatch> spare;
  std::thread decoder([&] {
    try {
      std::vector<ViewReader> readers;
      for (const auto& view : views_) readers.emplace_back(view, first);
      for (int start = first; start < first + count; start += batch_size) {
        FrameBatch batch;
        {
          const std::lock_guard<std::mutex> lock(spare_mutex);
          if (!spare.empty()) {
            batch = std::move(spare.back());
            spare.pop_back();
          }
        }
        batch.first_frame = start;
        batch.views.resize(readers.size());
        const int size = std::min(batch_size, first + count - start);
        for (std::size_t v = 0; v < readers.size(); ++v) {
          batch.views[v].resize(size);
          for (auto& frame : batch.views[v]) readers[v].read(frame);
        }
        if (!queue.push(std::move(batch))) return;
      }
      queue.finish();
    } catch (...) {
      queue.finish(std::current_exception());
    }
  });
  try {
    for (FrameBatch batch; queue.pop(batch); batch = FrameBatch()) {
      consume(batch);
      const std::lock_guard<std::mutex> lock(spare_mutex);
      spare.push_back(std::move(batch));
    }
  } catch (...) {
    queue.close();
    decoder.join();
    throw;
  }
  decoder.join();
}

}  // namespace facemap
