#include "video_decoder.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
}

#include <algorithm>
#include <cmath>
#include <optional>
#include <thread>

#include <spdlog/spdlog.h>

#include "ffmpeg_input.hpp"
#include "gray_conversion.hpp"

namespace facemap::detail {
namespace {

// A forward jump of at most this many frames is decoded rather than sought: a seek restarts
// decoding at a key frame, typically further back than that.
constexpr int kDecodeForwardLimit = 32;
// How far from a whole frame number a timestamp may fall (in frames) and still name that frame.
constexpr double kTimestampTolerance = 0.25;

}  // namespace

struct VideoFileDecoder::Impl {
  explicit Impl(VideoFileInfo info) : file(std::move(info)), gray(file.path) {
    try {
      open();
    } catch (...) {
      close();  // the destructor does not run for a constructor that throws
      throw;
    }
  }
  ~Impl() { close(); }

  VideoFileInfo file;
  GrayConversion gray;
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  AVPacket* packet = nullptr;
  AVFrame* frame = nullptr;
  int stream = -1;
  AVRational time_base{0, 1};
  std::int64_t first_timestamp = AV_NOPTS_VALUE;  ///< frame 0's
  bool timestamps_usable = true;  ///< false once they did not fit constant-rate numbering
  bool flushed = false;           ///< the end of the file reached, the decoder drained
  bool pending = false;           ///< `frame` holds frame next_frame, decoded ahead
  int next_frame = 0;

  [[noreturn]] void fail(int frame_index, const std::string& reason) const {
    throw VideoError(file.path, frame_index, reason);
  }

  void close() {
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&codec);
    avformat_close_input(&format);
  }

  // Opens the file at its first frame, which is decoded at once for its timestamp.
  void open() {
    int code = avformat_open_input(&format, file.path.c_str(), nullptr, nullptr);
    if (code < 0) fail(-1, "cannot be opened for decoding (" + av_error_text(code) + ")");
    code = avformat_find_stream_info(format, nullptr);
    if (code < 0) fail(-1, "cannot be read as a video (" + av_error_text(code) + ")");
    // The stream whose packets probe_video_file counted; the others are not even demuxed.
    stream = first_video_stream(*format);
    for (unsigned i = 0; i < format->nb_streams; ++i) {
      if (static_cast<int>(i) != stream) format->streams[i]->discard = AVDISCARD_ALL;
    }
    if (stream < 0) fail(-1, "holds no video stream");
    const AVCodecParameters* parameters = format->streams[stream]->codecpar;
    const AVCodec* decoder = avcodec_find_decoder(parameters->codec_id);
    if (decoder == nullptr) fail(-1, "uses a codec this FFmpeg cannot decode");
    codec = avcodec_alloc_context3(decoder);
    packet = av_packet_alloc();
    frame = av_frame_alloc();
    if (codec == nullptr || packet == nullptr || frame == nullptr) throw std::bad_alloc();
    code = avcodec_parameters_to_context(codec, parameters);
    if (code >= 0) {
      // One decoding thread per core, as OpenCV sets it: FFmpeg's own choice (cores + 1) leaves
      // more threads than cores to an analysis that keeps both busy.
      codec->thread_count = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      code = avcodec_open2(codec, decoder, nullptr);
    }
    if (code < 0) fail(-1, "cannot be opened for decoding (" + av_error_text(code) + ")");
    time_base = format->streams[stream]->time_base;
    flushed = false;
    next_frame = 0;
    pending = decode_one();
    if (!pending) fail(0, "cannot be decoded (truncated or corrupt data)");
    first_timestamp = frame->best_effort_timestamp;
    if (first_timestamp == AV_NOPTS_VALUE) timestamps_usable = false;
  }

  void reopen() {
    close();
    stream = -1;
    open();
  }

  // Decodes the next frame of the stream into `frame`; false at its end.
  bool decode_one() {
    for (;;) {
      const int received = avcodec_receive_frame(codec, frame);
      if (received == 0) return true;
      if (received == AVERROR_EOF) return false;
      if (received != AVERROR(EAGAIN)) {
        fail(next_frame, "cannot be decoded (" + av_error_text(received) + ")");
      }
      if (flushed) return false;
      const int read = av_read_frame(format, packet);
      if (read < 0) {
        // The end of the file (or unreadable data): drain the frames the decoder still holds.
        avcodec_send_packet(codec, nullptr);
        flushed = true;
        continue;
      }
      if (packet->stream_index == stream) {
        const int sent = avcodec_send_packet(codec, packet);
        // Damaged packets are reported by FFmpeg and concealed, as OpenCV lets them be; frames
        // that are lost show as missing frames at the end.
        if (sent < 0 && sent != AVERROR(EAGAIN) && sent != AVERROR_INVALIDDATA) {
          av_packet_unref(packet);
          fail(next_frame, "cannot be decoded (" + av_error_text(sent) + ")");
        }
      }
      av_packet_unref(packet);
    }
  }

  // The frame number `frame`'s timestamp names, when it names one.
  std::optional<int> number_of_frame() const {
    const std::int64_t timestamp = frame->best_effort_timestamp;
    if (timestamp == AV_NOPTS_VALUE || first_timestamp == AV_NOPTS_VALUE) return std::nullopt;
    const double frames = double(timestamp - first_timestamp) * av_q2d(time_base) * file.fps;
    const double whole = std::round(frames);
    if (std::abs(frames - whole) > kTimestampTolerance) return std::nullopt;
    return static_cast<int>(whole);
  }

  void decode_forward_to(int target) {
    while (next_frame < target) {
      if (pending) {
        pending = false;
      } else if (!decode_one()) {
        fail(next_frame, "cannot be decoded (truncated or corrupt data)");
      }
      ++next_frame;
    }
  }

  // Seeks to the key frame before `target` and decodes up to it; false when the timestamps on
  // the way do not number the frames, leaving the position undefined.
  bool seek_by_timestamp(int target) {
    const double seconds = target / file.fps;
    const std::int64_t timestamp =
        first_timestamp + static_cast<std::int64_t>(std::llround(seconds / av_q2d(time_base)));
    if (av_seek_frame(format, stream, timestamp, AVSEEK_FLAG_BACKWARD) < 0) return false;
    avcodec_flush_buffers(codec);
    flushed = false;
    pending = false;
    while (decode_one()) {
      const std::optional<int> number = number_of_frame();
      if (!number || *number > target) return false;
      if (*number == target) {
        pending = true;
        next_frame = target;
        return true;
      }
    }
    return false;
  }

  void seek(int target) {
    if (target < 0 || target >= file.nframes) {
      fail(target, "is outside the file (" + std::to_string(file.nframes) + " frames)");
    }
    if (target == next_frame) return;
    if (target > next_frame && target - next_frame <= kDecodeForwardLimit) {
      decode_forward_to(target);
      return;
    }
    if (timestamps_usable && seek_by_timestamp(target)) return;
    spdlog::debug("{}: seek to frame {} by timestamp missed; decoding forward from the start",
                  file.path.string(), target);
    timestamps_usable = false;
    reopen();
    decode_forward_to(target);
  }

  void read(GrayFrame& out) {
    if (!pending && !decode_one()) {
      fail(next_frame, "cannot be decoded (truncated or corrupt data)");
    }
    pending = false;
    if (frame->height != file.size.height || frame->width != file.size.width) {
      fail(next_frame, "has size " + std::to_string(frame->height) + "x" +
                           std::to_string(frame->width) + ", unlike the file's first frames");
    }
    gray.convert(*frame, next_frame, out);
    ++next_frame;
  }
};

VideoFileDecoder::VideoFileDecoder(VideoFileInfo file)
    : impl_(std::make_unique<Impl>(std::move(file))) {}
VideoFileDecoder::~VideoFileDecoder() = default;
VideoFileDecoder::VideoFileDecoder(VideoFileDecoder&&) noexcept = default;
VideoFileDecoder& VideoFileDecoder::operator=(VideoFileDecoder&&) noexcept = default;

void VideoFileDecoder::seek(int frame) {
  impl_->seek(frame);
}
void VideoFileDecoder::read(GrayFrame& out) {
  impl_->read(out);
}
int VideoFileDecoder::next_frame() const {
  return impl_->next_frame;
}

}  // namespace facemap::detail
