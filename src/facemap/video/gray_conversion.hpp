#pragma once
// Decoded video frames (libavcodec's AVFrame) to 8-bit grayscale, with exactly the values that
// OpenCV's VideoCapture followed by cvtColor(COLOR_BGR2GRAY) gives, as Facemap reads videos:
// swscale to BGR24 (SWS_BICUBIC, as OpenCV asks), then OpenCV's BGR to gray.
//
// That route costs a third of the decoding time (the colour conversion of every pixel, then the
// gray weights), and it runs on the decoding thread. For planar 4:2:0 YUV, by far the most common
// camera format, the result depends only on each pixel's (Y, U, V), so it is a table: the table
// is made once per decoder by sending every (Y, U, V) combination through that same route, and
// each frame then costs one lookup per pixel. The table is checked against the full route on
// the first frame; any difference (a swscale whose conversion is not pixel by pixel) turns it
// off for that file. Every other pixel format takes the full route.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <tuple>
#include <vector>

#include "facemap/video/video.hpp"

struct AVFrame;
struct SwsContext;

namespace facemap::detail {

class GrayConversion {
 public:
  /// The frames a table serves: pixel format, width, height.
  using TableKind = std::tuple<int, int, int>;

  /// `path` names the file in errors.
  explicit GrayConversion(std::filesystem::path path);
  ~GrayConversion();
  GrayConversion(const GrayConversion&) = delete;
  GrayConversion& operator=(const GrayConversion&) = delete;

  /// Writes `frame` (any pixel format swscale reads) as grayscale into `out`, resized to the
  /// frame's size. Throws VideoError naming the file and `frame_index` when it cannot.
  void convert(const AVFrame& frame, int frame_index, GrayFrame& out);

 private:
  /// OpenCV's route: swscale to BGR24, then BGR to gray.
  void convert_through_bgr(const AVFrame& frame, int frame_index, GrayFrame& out);
  /// The table for 4:2:0 frames of the size and format of `like`, made once per process and
  /// shared by the decoders of all files of that kind; null when it cannot be made.
  std::shared_ptr<const std::vector<std::uint8_t>> shared_table(const AVFrame& like,
                                                                int frame_index);
  std::shared_ptr<const std::vector<std::uint8_t>> build_table(const AVFrame& like,
                                                               int frame_index);
  void convert_with_table(const AVFrame& frame, GrayFrame& out) const;

  enum class TableState { untried, in_use, off };

  std::filesystem::path path_;
  SwsContext* sws_ = nullptr;
  std::vector<std::uint8_t> bgr_;
  TableState table_state_ = TableState::untried;
  TableKind table_kind_;
  /// gray = (*table_)[(U << 16) | (V << 8) | Y]
  std::shared_ptr<const std::vector<std::uint8_t>> table_;
};

}  // namespace facemap::detail
