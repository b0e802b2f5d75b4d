#pragma once
// What the probe (video_file.cpp) and the decoder (video_decoder.cpp) share about FFmpeg's
// containers, so that both describe errors alike and read the same stream.

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/error.h>
}

#include <string>

namespace facemap::detail {

/// libav's description of an error code.
inline std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

/// The index of the first video stream of an opened container, or -1. The first, as OpenCV's
/// VideoCapture (which Facemap reads videos with) takes it, but never a cover picture (a
/// one-frame "video" stream that Matroska and MP4 files may carry as an attachment).
inline int first_video_stream(const AVFormatContext& format) {
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    const AVStream& stream = *format.streams[i];
    if (stream.codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
        !(stream.disposition & AV_DISPOSITION_ATTACHED_PIC)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace facemap::detail
