#include "packet_scan.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

extern "C" {
#include <libavcodec/bsf.h>
}

#include "ffmpeg_input.hpp"

namespace facemap::detail {
namespace {

void extend(std::optional<double>& end, double value) {
  end = end ? std::max(*end, value) : value;
}

// Passes H.264 and HEVC packets through the bitstream filter OpenCV's raw packet mode applies
// (to Annex B), which checks the lengths of every packet's NAL units: damaged data shows at its
// frame, as when OpenCV counted the frames, rather than only as frames missing at the end of
// decoding. Other codecs, and streams whose codec header the filter cannot read, are left to
// the decoder, which checks every frame.
class PacketCheck {
 public:
  explicit PacketCheck(const AVStream& stream) {
    const AVCodecID codec = stream.codecpar->codec_id;
    const char* name = codec == AV_CODEC_ID_H264   ? "h264_mp4toannexb"
                       : codec == AV_CODEC_ID_HEVC ? "hevc_mp4toannexb"
                                                   : nullptr;
    const AVBitStreamFilter* filter = name ? av_bsf_get_by_name(name) : nullptr;
    if (filter == nullptr || av_bsf_alloc(filter, &filter_) < 0) return;
    filter_->time_base_in = stream.time_base;
    output_ = av_packet_alloc();
    if (output_ == nullptr || avcodec_parameters_copy(filter_->par_in, stream.codecpar) < 0 ||
        av_bsf_init(filter_) < 0) {
      av_bsf_free(&filter_);
    }
  }
  ~PacketCheck() {
    av_bsf_free(&filter_);
    av_packet_free(&output_);
  }
  PacketCheck(const PacketCheck&) = delete;
  PacketCheck& operator=(const PacketCheck&) = delete;

  /// 0, or libav's error for a packet the filter refuses. Takes the packet's data.
  int check(AVPacket* packet) {
    if (filter_ == nullptr) return 0;
    int code = av_bsf_send_packet(filter_, packet);
    while (code >= 0) {
      code = av_bsf_receive_packet(filter_, output_);
      av_packet_unref(output_);
    }
    return code == AVERROR(EAGAIN) ? 0 : code;
  }

 private:
  AVBSFContext* filter_ = nullptr;
  AVPacket* output_ = nullptr;
};

}  // namespace

PacketScan scan_packets(AVFormatContext& format, int video_stream, double fps) {
  PacketScan scan;
  const AVRational video_base = format.streams[video_stream]->time_base;
  scan.tick = av_q2d(video_base);
  std::vector<std::int64_t> frame_times;  // video timestamps, in the stream's time base
  std::int64_t latest = 0, latest_duration = 0;
  PacketCheck packet_check(*format.streams[video_stream]);
  AVPacket* packet = av_packet_alloc();
  if (packet == nullptr) throw std::bad_alloc();
  int code = 0;
  while ((code = av_read_frame(&format, packet)) >= 0) {
    // Presentation time where the packet has one; the decoding time is the same for the codecs
    // that carry only that (no frame reordering).
    const std::int64_t time = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
    const std::int64_t duration = std::max<std::int64_t>(0, packet->duration);
    if (packet->stream_index != video_stream) {
      const AVRational base = format.streams[packet->stream_index]->time_base;
      if (time != AV_NOPTS_VALUE) extend(scan.streams_end, av_q2d(base) * double(time + duration));
      av_packet_unref(packet);
      continue;
    }
    if ((code = packet_check.check(packet)) < 0) break;
    ++scan.frames;
    if (time != AV_NOPTS_VALUE) {
      if (frame_times.empty() || time > latest) {
        latest = time;
        latest_duration = duration;
      }
      frame_times.push_back(time);
    }
    av_packet_unref(packet);
  }
  av_packet_free(&packet);
  if (code != AVERROR_EOF) scan.read_error = code;
  if (frame_times.empty()) return scan;

  std::sort(frame_times.begin(), frame_times.end());
  scan.video_start = scan.tick * double(frame_times.front());
  scan.video_end = latest_duration > 0 ? scan.tick * double(latest + latest_duration)
                                       : scan.tick * double(latest) + 1 / fps;
  extend(scan.streams_end, *scan.video_end);
  for (std::size_t i = 1; i < frame_times.size(); ++i) {
    const double interval = scan.tick * double(frame_times[i] - frame_times[i - 1]);
    scan.shortest_interval = std::min(scan.shortest_interval.value_or(interval), interval);
    scan.longest_interval = std::max(scan.longest_interval.value_or(interval), interval);
  }
  return scan;
}

}  // namespace facemap::detail
