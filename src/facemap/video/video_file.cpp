#include <memory>

#include <spdlog/spdlog.h>

#include "container_time.hpp"
#include "facemap/video/video.hpp"
#include "ffmpeg_input.hpp"
#include "packet_scan.hpp"

namespace facemap {
namespace {

// How far timestamps may be from a frame's time and still be taken as on it, in frames: the
// decoder's tolerance too (video_decoder.hpp).
constexpr double kFrameTolerance = 0.25;
// Matroska and WebM round timestamps and durations to the millisecond.
constexpr double kContainerRounding = 0.001;
constexpr const char* kTruncated = "the file is truncated or corrupt";

std::string describe(const std::filesystem::path& path, int frame, const std::string& reason) {
  std::string message = "video file " + path.string();
  if (frame >= 0) message += ", frame " + std::to_string(frame);
  return message + ": " + reason;
}

std::string seconds_text(double seconds) {
  return fmt::format("{:.3f} s", seconds);
}

struct CloseFormat {
  void operator()(AVFormatContext* format) const { avformat_close_input(&format); }
};
using FormatContext = std::unique_ptr<AVFormatContext, CloseFormat>;

FormatContext open_container(const std::filesystem::path& path) {
  AVFormatContext* opened = nullptr;
  if (avformat_open_input(&opened, path.c_str(), nullptr, nullptr) < 0) {
    throw VideoError(path, -1, "cannot be opened as a video (unknown format or damaged header)");
  }
  FormatContext format(opened);
  const int code = avformat_find_stream_info(opened, nullptr);
  if (code < 0) {
    throw VideoError(path, -1, "cannot be opened as a video (" + detail::av_error_text(code) + ")");
  }
  return format;
}

// Refuses a file that could not be read to its end, or whose packets end before what its
// container announces: the frame count of containers that keep one (AVI's header, MP4's sample
// table), else the duration of those that keep that instead (Matroska, WebM), which every
// complete file's streams reach. A duration libavformat estimated (from the bit rate, or from
// the last timestamps) proves nothing.
void check_complete(const std::filesystem::path& path, const AVFormatContext& format,
                    std::int64_t announced_frames, const detail::PacketScan& scan, double fps) {
  if (scan.read_error != 0) {
    throw VideoError(
        path, scan.frames,
        "cannot be read (" + detail::av_error_text(scan.read_error) + "): " + kTruncated);
  }
  if (announced_frames > scan.frames) {
    throw VideoError(path, scan.frames,
                     std::string("missing: ") + kTruncated + " (its container announces " +
                         std::to_string(announced_frames) + " frames, only " +
                         std::to_string(scan.frames) + " can be read)");
  }
  const bool announces_duration = format.duration != AV_NOPTS_VALUE && format.duration > 0 &&
                                  format.duration_estimation_method == AVFMT_DURATION_FROM_STREAM;
  if (announced_frames <= 0 && announces_duration && scan.streams_end) {
    // Matroska's duration is the end of its timeline (a start offset included); containers that
    // count it from their first timestamp announce less, which errs on the side of reading.
    const double announced_end = double(format.duration) / AV_TIME_BASE;
    if (*scan.streams_end + kFrameTolerance / fps + kContainerRounding < announced_end) {
      throw VideoError(path, scan.frames,
                       std::string("missing: ") + kTruncated + " (its container announces " +
                           seconds_text(announced_end) + ", its streams end at " +
                           seconds_text(*scan.streams_end) + " after " +
                           std::to_string(scan.frames) + " frames)");
    }
  }
}

// Whether the time between frames departs from the nominal rate by more than the tolerance (and
// more than the timestamps' own rounding).
bool variable_frame_rate(const detail::PacketScan& scan, double fps) {
  if (!scan.shortest_interval) return false;
  const double nominal = 1 / fps;
  const double slack = std::max(kFrameTolerance * nominal, scan.tick);
  return *scan.longest_interval > nominal + slack || *scan.shortest_interval < nominal - slack;
}

}  // namespace

VideoError::VideoError(std::filesystem::path path, int frame, const std::string& reason)
    : std::runtime_error(describe(path, frame, reason)), path_(std::move(path)), frame_(frame) {}

VideoFileInfo probe_video_file(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw VideoError(path, -1, "does not exist");
  // An empty file is a common failure of a copy or a recording that never started; say so
  // rather than leave libavformat's "cannot be opened" to be guessed at.
  std::error_code size_error;
  if (std::filesystem::file_size(path, size_error) == 0 && !size_error)
    throw VideoError(path, -1, "is empty (0 bytes)");
  const FormatContext format = open_container(path);
  const int stream = detail::first_video_stream(*format);
  if (stream < 0) throw VideoError(path, -1, "cannot be opened as a video (no video stream)");
  AVStream& video = *format->streams[stream];
  VideoFileInfo info;
  info.path = path;
  // The rate OpenCV's VideoCapture reports (CAP_PROP_FPS), as Facemap sees it.
  info.fps = av_q2d(av_guess_frame_rate(format.get(), &video, nullptr));
  info.size = {video.codecpar->height, video.codecpar->width};
  // Counted, never derived from duration x rate: that product is wrong for a variable frame
  // rate, a start offset, or a longer audio track, and rounds wrongly at fractional rates.
  const detail::PacketScan scan = detail::scan_packets(*format, stream, info.fps);
  info.nframes = scan.frames;
  if (info.nframes == 0) throw VideoError(path, 0, "holds no readable frame");
  if (!(info.fps > 0)) throw VideoError(path, -1, "has no frame rate");
  check_complete(path, *format, video.nb_frames, scan, info.fps);
  if (info.size.height <= 0 || info.size.width <= 0) {
    throw VideoError(path, -1, "has no frame size");
  }
  info.duration = scan.video_start ? *scan.video_end - *scan.video_start : info.nframes / info.fps;
  info.variable_frame_rate = variable_frame_rate(scan, info.fps);
  if (info.variable_frame_rate) {
    spdlog::warn(
        "{}: variable frame rate (frames {:.1f} to {:.1f} ms apart): its frames are analysed one "
        "per index, as if at {:g} fps; their times are not kept, only its duration ({})",
        path.string(), 1000 * *scan.shortest_interval, 1000 * *scan.longest_interval, info.fps,
        seconds_text(info.duration));
  }
  info.creation_time = detail::container_creation_time(path);
  return info;
}

}  // namespace facemap
