#include "video_decoder.hpp"

#include <cmath>

#include <spdlog/spdlog.h>
#include <opencv2/imgproc.hpp>

namespace facemap::detail {
namespace {

// A forward jump of at most this many frames is decoded rather than sought: a seek restarts
// decoding at a key frame, typically further back than that.
constexpr int kDecodeForwardLimit = 32;

}  // namespace

VideoFileDecoder::VideoFileDecoder(VideoFileInfo file) : file_(std::move(file)) {
  reopen();
}

void VideoFileDecoder::reopen() {
  capture_.release();
  if (!capture_.open(file_.path.string(), cv::CAP_FFMPEG)) {
    throw VideoError(file_.path, -1, "cannot be opened for decoding");
  }
  next_frame_ = 0;
  check_seek_ = false;
}

void VideoFileDecoder::decode_forward_to(int frame) {
  for (; next_frame_ < frame; ++next_frame_) {
    if (!capture_.grab()) {
      throw VideoError(file_.path, next_frame_, "cannot be decoded (truncated or corrupt data)");
    }
  }
}

void VideoFileDecoder::seek(int frame) {
  if (frame < 0 || frame >= file_.nframes) {
    throw VideoError(file_.path, frame,
                     "is outside the file (" + std::to_string(file_.nframes) + " frames)");
  }
  if (frame == next_frame_) return;
  if (frame > next_frame_ && frame - next_frame_ <= kDecodeForwardLimit) {
    decode_forward_to(frame);
    return;
  }
  capture_.set(cv::CAP_PROP_POS_FRAMES, frame);
  if (static_cast<int>(capture_.get(cv::CAP_PROP_POS_FRAMES)) == frame) {
    next_frame_ = frame;
    check_seek_ = true;
    return;
  }
  spdlog::debug("{}: seek to frame {} missed; decoding forward", file_.path.string(), frame);
  reopen();
  decode_forward_to(frame);
}

bool VideoFileDecoder::landed_on_expected_timestamp() {
  const double period_ms = 1000.0 / file_.fps;
  const double timestamp_ms = capture_.get(cv::CAP_PROP_POS_MSEC);
  // Frames flushed from the decoder at the end of some streams carry no timestamp (0).
  if (timestamp_ms <= 0 && next_frame_ > 0) return true;
  return std::abs(timestamp_ms - next_frame_ * period_ms) <= 0.5 * period_ms;
}

void VideoFileDecoder::read(GrayFrame& out) {
  if (!capture_.read(decoded_)) {
    throw VideoError(file_.path, next_frame_, "cannot be decoded (truncated or corrupt data)");
  }
  if (check_seek_) {
    check_seek_ = false;
    if (!landed_on_expected_timestamp()) {
      spdlog::debug("{}: seek to frame {} landed on another timestamp; decoding forward",
                    file_.path.string(), next_frame_);
      const int wanted = next_frame_;
      reopen();
      decode_forward_to(wanted);
      read(out);
      return;
    }
  }
  if (decoded_.rows != file_.size.height || decoded_.cols != file_.size.width) {
    throw VideoError(file_.path, next_frame_,
                     "has size " + std::to_string(decoded_.rows) + "x" +
                         std::to_string(decoded_.cols) + ", unlike the file's first frames");
  }
  convert_to_gray(out);
  ++next_frame_;
}

void VideoFileDecoder::convert_to_gray(GrayFrame& out) const {
  out.resize(decoded_.rows, decoded_.cols);
  // A header over the Eigen buffer: OpenCV writes the grayscale image straight into it.
  cv::Mat gray(decoded_.rows, decoded_.cols, CV_8UC1, out.data());
  switch (decoded_.type()) {
    case CV_8UC1:
      decoded_.copyTo(gray);
      break;
    case CV_8UC3:
      cv::cvtColor(decoded_, gray, cv::COLOR_BGR2GRAY);
      break;
    case CV_8UC4:
      cv::cvtColor(decoded_, gray, cv::COLOR_BGRA2GRAY);
      break;
    default:
      throw VideoError(file_.path, next_frame_, "decodes to an unsupported pixel format");
  }
}

}  // namespace facemap::detail
