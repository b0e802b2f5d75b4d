#pragma once
// Sequential decoding of one video file to grayscale, with frame-exact positioning, through
// FFmpeg's libavformat and libavcodec (the libraries under OpenCV's VideoCapture). The gray
// values are OpenCV's (see gray_conversion.hpp); decoding directly lets the conversion skip
// OpenCV's per-pixel colour conversion where a table reproduces it.
//
// A frame's number comes from its timestamp: (timestamp - the first frame's) x fps, which must
// be a whole number within a quarter of a frame. Seeking goes to the key frame before the wanted
// one and decodes forward; when the timestamps do not fit constant-rate numbering (variable
// frame rate, missing timestamps) the decoder reopens the file and counts frames from its
// first, which is always exact. Short forward jumps are decoded forward, cheaper than a seek.

#include <memory>

#include "facemap/video/video.hpp"

namespace facemap::detail {

class VideoFileDecoder {
 public:
  /// Opens the file described by `file` (from probe_video_file) at its first frame. Throws
  /// VideoError when it cannot be opened for decoding.
  explicit VideoFileDecoder(VideoFileInfo file);
  ~VideoFileDecoder();
  VideoFileDecoder(VideoFileDecoder&&) noexcept;
  VideoFileDecoder& operator=(VideoFileDecoder&&) noexcept;

  /// Positions the decoder so that the next read() returns frame `frame` (0-based, in the file).
  void seek(int frame);
  /// Decodes the next frame into `out` (resized when needed). Throws VideoError naming the file
  /// and the frame when it cannot be decoded or has an unexpected size.
  void read(GrayFrame& out);
  /// The frame the next read() returns.
  int next_frame() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace facemap::detail
