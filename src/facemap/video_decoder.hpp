#pragma once
// Sequential decoding of one video file to grayscale, with frame-exact positioning.
//
// Seeking uses OpenCV's frame seek, which is timestamp-based. It is accepted only when the frame
// it lands on carries the timestamp that frame number should have (first frame at 0, one frame
// period apart, within half a period); otherwise (variable frame rate, irregular timestamps) the
// decoder reopens the file and decodes forward from its first frame, which is always exact.
// Short forward jumps are decoded forward too, as that is cheaper than a seek.

#include <opencv2/videoio.hpp>

#include "facemap/video.hpp"

namespace facemap::detail {

class VideoFileDecoder {
 public:
  /// Opens the file described by `file` (from probe_video_file) at its first frame.
  explicit VideoFileDecoder(VideoFileInfo file);

  /// Positions the decoder so that the next read() returns frame `frame` (0-based, in the file).
  void seek(int frame);
  /// Decodes the next frame into `out` (resized when needed). Throws VideoError naming the file
  /// and the frame when it cannot be decoded or has an unexpected size.
  void read(GrayFrame& out);
  /// The frame the next read() returns.
  int next_frame() const { return next_frame_; }

 private:
  void reopen();
  void decode_forward_to(int frame);
  bool landed_on_expected_timestamp();
  void convert_to_gray(GrayFrame& out) const;

  VideoFileInfo file_;
  cv::VideoCapture capture_;
  cv::Mat decoded_;
  int next_frame_ = 0;
  bool check_seek_ = false;
};

}  // namespace facemap::detail
