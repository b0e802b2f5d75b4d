#pragma once
// Demuxing a whole container without decoding (cheap): how many packets its video stream holds,
// one per frame, and where on the container's timeline its frames and its other streams start and
// end. probe_video_file checks a file against what its container announces with this.

#include <optional>

struct AVFormatContext;

namespace facemap::detail {

/// What the packets of a container show. Times are in seconds on the container's timeline and
/// are absent where no packet carries a timestamp.
struct PacketScan {
  int frames = 0;  ///< packets of the video stream read before the end or the first damaged one
  /// libav's code where reading stopped before the end of the file (unreadable data, or an
  /// H.264 or HEVC packet whose NAL units are damaged: packet `frames`), else 0.
  int read_error = 0;
  std::optional<double> video_start;  ///< the earliest frame's timestamp
  /// The end of the latest frame: its timestamp plus its duration, or plus one frame at the
  /// nominal rate where the container gives it none.
  std::optional<double> video_end;
  std::optional<double> streams_end;  ///< the latest end of a packet of any stream
  /// The shortest and the longest time between consecutive frames (in time order), with 2 frames
  /// or more.
  std::optional<double> shortest_interval, longest_interval;
  double tick = 0;  ///< the video stream's time base: the resolution of its timestamps
};

/// Reads every packet of `format` (opened, its stream info found) from its current position to
/// the end. `video_stream` is the stream whose packets are frames; `fps` its nominal rate.
PacketScan scan_packets(AVFormatContext& format, int video_stream, double fps);

}  // namespace facemap::detail
