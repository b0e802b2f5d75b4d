#include <opencv2/videoio.hpp>

#include "container_time.hpp"
#include "facemap/video.hpp"

namespace facemap {
namespace {

std::string describe(const std::filesystem::path& path, int frame, const std::string& reason) {
  std::string message = "video file " + path.string();
  if (frame >= 0) message += ", frame " + std::to_string(frame);
  return message + ": " + reason;
}

}  // namespace

VideoError::VideoError(std::filesystem::path path, int frame, const std::string& reason)
    : std::runtime_error(describe(path, frame, reason)), path_(std::move(path)), frame_(frame) {}

VideoFileInfo probe_video_file(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw VideoError(path, -1, "does not exist");
  // An empty file is a common failure of a copy or a recording that never started; say so
  // rather than leave OpenCV's "cannot be opened" to be guessed at.
  std::error_code size_error;
  if (std::filesystem::file_size(path, size_error) == 0 && !size_error)
    throw VideoError(path, -1, "is empty (0 bytes)");
  // Raw mode hands out the compressed packets without decoding them: one packet per frame.
  cv::VideoCapture packets(path.string(), cv::CAP_FFMPEG, {cv::CAP_PROP_FORMAT, -1});
  if (!packets.isOpened()) {
    throw VideoError(path, -1, "cannot be opened as a video (unknown format or damaged header)");
  }
  VideoFileInfo info;
  info.path = path;
  info.fps = packets.get(cv::CAP_PROP_FPS);
  info.size = {static_cast<int>(packets.get(cv::CAP_PROP_FRAME_HEIGHT)),
               static_cast<int>(packets.get(cv::CAP_PROP_FRAME_WIDTH))};
  const int announced = static_cast<int>(packets.get(cv::CAP_PROP_FRAME_COUNT));
  while (packets.grab()) ++info.nframes;
  if (info.nframes == 0) throw VideoError(path, 0, "holds no readable frame");
  if (announced > info.nframes) {
    throw VideoError(path, info.nframes,
                     "missing: the file is truncated or corrupt (its container announces " +
                         std::to_string(announced) + " frames, only " +
                         std::to_string(info.nframes) + " can be read)");
  }
  if (!(info.fps > 0)) throw VideoError(path, -1, "has no frame rate");
  if (info.size.height <= 0 || info.size.width <= 0) {
    throw VideoError(path, -1, "has no frame size");
  }
  info.creation_time = detail::container_creation_time(path);
  return info;
}

}  // namespace facemap
