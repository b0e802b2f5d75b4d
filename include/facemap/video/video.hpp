#pragma once
// Video input. A recording is one or more simultaneous views (cameras), each a list of files
// played one after another. Frames come out as 8-bit grayscale images in batches, in time order;
// video files are decoded by FFmpeg (libavcodec, which OpenCV's VideoCapture also uses) on a
// background thread, so that decoding overlaps whatever the caller computes on each batch. The
// gray values are exactly those of OpenCV's VideoCapture followed by cvtColor(COLOR_BGR2GRAY),
// as Facemap reads videos.
//
// Frame counts are exact: opening a file counts its video packets by demuxing it without
// decoding (cheap), never trusting duration x frame rate. A file whose packets end before what
// its container announces is reported as truncated: fewer frames than AVI's or MP4's frame count,
// or streams that stop short of the duration Matroska and WebM announce instead. Decoding then
// checks that every counted frame decodes, so a frame that cannot be read is an error naming the
// file and the frame, never a silently repeated or missing frame.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace facemap {

/// One grayscale frame: rows = y, cols = x, row-major like OpenCV's images.
using GrayFrame = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Height and width of a view's frames, in pixels.
struct FrameSize {
  int height = 0;
  int width = 0;
  bool operator==(const FrameSize& other) const {
    return height == other.height && width == other.width;
  }
};

/// Consecutive frames of every view of a recording.
struct FrameBatch {
  int first_frame = 0;                        ///< recording-wide index of the batch's first frame
  std::vector<std::vector<GrayFrame>> views;  ///< views[v][i]: frame first_frame + i of view v
  /// Number of frames in the batch (per view).
  int size() const { return views.empty() ? 0 : static_cast<int>(views.front().size()); }
};

/// Receives the batches of a read, in time order.
using BatchConsumer = std::function<void(const FrameBatch&)>;

/// Anything that yields grayscale frames: video files (Recording) or frames in memory
/// (FrameArray). Reads are const and independent of each other.
class FrameSource {
 public:
  static constexpr int kDefaultBatchSize = 64;

  virtual ~FrameSource() = default;
  /// Number of frames (per view).
  virtual int nframes() const = 0;
  /// Full-resolution size of each view.
  virtual std::vector<FrameSize> view_sizes() const = 0;

  /// Calls `consume` with consecutive batches of at most `batch_size` frames that together cover
  /// frames [first, first + count), in order. Throws std::out_of_range for a range outside the
  /// recording; errors of the source (VideoError) and of `consume` propagate.
  void read(int first, int count, const BatchConsumer& consume,
            int batch_size = kDefaultBatchSize) const;
  /// Streams every frame: read(0, nframes(), ...).
  void for_each_batch(const BatchConsumer& consume, int batch_size = kDefaultBatchSize) const {
    read(0, nframes(), consume, batch_size);
  }

 protected:
  /// read() after its checks: 0 <= first, count >= 1, first + count <= nframes(), batch_size >= 1.
  virtual void read_checked(int first, int count, const BatchConsumer& consume,
                            int batch_size) const = 0;
};

/// A problem with a video file; what() names the file and, where known, the frame.
class VideoError : public std::runtime_error {
 public:
  /// `frame` is the file's own frame index, or -1 when the problem is not about one frame.
  VideoError(std::filesystem::path path, int frame, const std::string& reason);
  const std::filesystem::path& path() const { return path_; }
  /// The frame (index within the file), or -1.
  int frame() const { return frame_; }

 private:
  std::filesystem::path path_;
  int frame_;
};

/// What one video file holds.
struct VideoFileInfo {
  std::filesystem::path path;
  int nframes = 0;  ///< exact: the packets in the file, counted by demuxing
  double fps = 0;   ///< frames per second, fractional where the container says so (29.97)
  /// Seconds from the first frame's timestamp to the end of the last frame (nframes / fps for a
  /// file without timestamps): the real length, also at a variable frame rate.
  double duration = 0;
  /// Whether the time between frames departs from 1 / fps by more than a quarter of a frame. The
  /// frames are then analysed one per index all the same; probe_video_file warns.
  bool variable_frame_rate = false;
  FrameSize size;
  /// When the container records its creation time (MP4 / QuickTime `mvhd`); absent otherwise.
  std::optional<std::chrono::system_clock::time_point> creation_time;
};

/// Opens a video file and describes it, counting its frames by demuxing (no decoding). Throws
/// VideoError for a missing file, a file that is not a readable video, or a truncated one
/// (fewer frames or a shorter duration than its container announces; the error names the first
/// missing frame).
VideoFileInfo probe_video_file(const std::filesystem::path& path);

/// The video files of one recording: one or more views, each a list of files in time order.
/// Every view must have the same number of frames in total, and every file the frame size and
/// frame rate of its view's first; frames are numbered across the files of a view (the second
/// file's first frame follows the first file's last).
class Recording : public FrameSource {
 public:
  /// One view made of `files`, played one after another.
  explicit Recording(const std::vector<std::filesystem::path>& files);
  /// Several simultaneous views: views[v] is the file list of view v.
  static Recording multi_view(const std::vector<std::vector<std::filesystem::path>>& views);

  int nframes() const override { return nframes_; }
  std::vector<FrameSize> view_sizes() const override;
  int view_count() const { return static_cast<int>(views_.size()); }
  /// Frames per second of the first file of the first view.
  double fps() const;
  /// The first view's files' durations (VideoFileInfo::duration) summed, in seconds.
  double duration_seconds() const;
  /// Creation time of the first file of the first view, when its container records one.
  std::optional<std::chrono::system_clock::time_point> creation_time() const;
  /// The files of a view, in time order.
  const std::vector<VideoFileInfo>& files(int view = 0) const;

 protected:
  /// Decodes on a background thread into a bounded queue of batches; `consume` runs on the
  /// calling thread. Reading from a frame other than a file's first seeks frame-exactly: a seek
  /// is accepted only when the frames it lands on carry the timestamps of their numbers
  /// (constant frame rate); otherwise the file is decoded forward from its start.
  void read_checked(int first, int count, const BatchConsumer& consume,
                    int batch_size) const override;

 private:
  explicit Recording(std::vector<std::vector<VideoFileInfo>> views);

  std::vector<std::vector<VideoFileInfo>> views_;
  int nframes_ = 0;
};

/// Frames held in memory: test clips, or frames that come from elsewhere (a camera SDK).
class FrameArray : public FrameSource {
 public:
  /// One view.
  explicit FrameArray(std::vector<GrayFrame> frames);
  /// Several views: views[v][t]; every view must have the same number of frames and every frame
  /// of a view the same size. Throws std::invalid_argument otherwise.
  explicit FrameArray(std::vector<std::vector<GrayFrame>> views);

  int nframes() const override;
  std::vector<FrameSize> view_sizes() const override;

 protected:
  void read_checked(int first, int count, const BatchConsumer& consume,
                    int batch_size) const override;

 private:
  std::vector<std::vector<GrayFrame>> views_;
};

}  // namespace facemap
