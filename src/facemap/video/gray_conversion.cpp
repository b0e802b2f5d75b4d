#include "gray_conversion.hpp"

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <map>
#include <mutex>
#include <tuple>
#include <utility>

// The vector lookup needs AVX-512 VBMI with BW and VL (Ice Lake, Zen 4 and later); the build
// targets the machine it runs on (-march=native), elsewhere the scalar lookup does it all.
#if defined(__AVX512VBMI__) && defined(__AVX512BW__) && defined(__AVX512VL__)
#define FMPIPE_VECTOR_GRAY_LOOKUP 1
#include <immintrin.h>
#endif

#include <opencv2/imgproc.hpp>

#include <spdlog/spdlog.h>

namespace facemap::detail {
namespace {

// Every (U, V) pair times every Y: the entries of the 4:2:0 table.
constexpr std::size_t kTableEntries = std::size_t{1} << 24;
// In the table-making frames each 2x2 block holds four of the 256 Y values of one (U, V) pair.
constexpr int kYPerBlock = 4;
constexpr std::size_t kBlocksPerChroma = 256 / kYPerBlock;

bool is_planar_420(int format) {
  return format == AV_PIX_FMT_YUV420P || format == AV_PIX_FMT_YUVJ420P;
}

GrayConversion::TableKind table_kind(const AVFrame& frame) {
  return {frame.format, frame.width, frame.height};
}

std::string format_name(int format) {
  const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(format));
  return name ? name : "unknown pixel format " + std::to_string(format);
}

}  // namespace

GrayConversion::GrayConversion(std::filesystem::path path) : path_(std::move(path)) {}

GrayConversion::~GrayConversion() {
  sws_freeContext(sws_);
}

void GrayConversion::convert(const AVFrame& frame, int frame_index, GrayFrame& out) {
  const bool table_applies =
      is_planar_420(frame.format) && frame.width % 2 == 0 && frame.height % 2 == 0;
  if (!table_applies || table_state_ == TableState::off) {
    convert_through_bgr(frame, frame_index, out);
    return;
  }
  if (table_state_ == TableState::in_use && table_kind(frame) == table_kind_) {
    convert_with_table(frame, out);
    return;
  }
  // First frame (or frames of another size or format): make the table, then keep it only if it
  // reproduces the full route on this frame exactly.
  convert_through_bgr(frame, frame_index, out);
  table_ = shared_table(frame, frame_index);
  if (!table_) {
    table_state_ = TableState::off;
    return;
  }
  table_kind_ = table_kind(frame);
  GrayFrame check;
  convert_with_table(frame, check);
  if (check != out) {
    spdlog::debug("{}: the gray table differs from swscale's conversion; converting every frame",
                  path_.string());
    table_state_ = TableState::off;
    table_.reset();
    return;
  }
  table_state_ = TableState::in_use;
}

void GrayConversion::convert_through_bgr(const AVFrame& frame, int frame_index, GrayFrame& out) {
  const int width = frame.width, height = frame.height;
  sws_ = sws_getCachedContext(sws_, width, height, static_cast<AVPixelFormat>(frame.format), width,
                              height, AV_PIX_FMT_BGR24, SWS_BICUBIC, nullptr, nullptr, nullptr);
  if (sws_ == nullptr) {
    throw VideoError(path_, frame_index,
                     "decodes to " + format_name(frame.format) + ", which cannot be converted");
  }
  // Rows 64-byte aligned, as swscale's vector code prefers.
  const int stride = (width * 3 + 63) / 64 * 64;
  bgr_.resize(std::size_t(stride) * height);
  std::uint8_t* planes[4] = {bgr_.data(), nullptr, nullptr, nullptr};
  const int strides[4] = {stride, 0, 0, 0};
  sws_scale(sws_, frame.data, frame.linesize, 0, height, planes, strides);
  out.resize(height, width);
  const cv::Mat bgr(height, width, CV_8UC3, bgr_.data(), static_cast<std::size_t>(stride));
  cv::Mat gray(height, width, CV_8UC1, out.data());
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
}

std::shared_ptr<const std::vector<std::uint8_t>> GrayConversion::shared_table(const AVFrame& like,
                                                                              int frame_index) {
  // Kept for the life of the process: 16 MiB for each kind of video met (format and size), few.
  static std::mutex mutex;
  static std::map<TableKind, std::shared_ptr<const std::vector<std::uint8_t>>> tables;
  const std::lock_guard<std::mutex> lock(mutex);
  auto& table = tables[table_kind(like)];
  if (!table) table = build_table(like, frame_index);
  return table;
}

std::shared_ptr<const std::vector<std::uint8_t>> GrayConversion::build_table(const AVFrame& like,
                                                                             int frame_index) {
  // Frames of the video's own size and format go through the same conversion (the same
  // swscale context and code path); together they hold every (Y, U, V) once.
  const int width = like.width, height = like.height;
  const std::size_t blocks_per_frame = std::size_t(width / 2) * (height / 2);
  const std::size_t blocks = kTableEntries / kYPerBlock;
  AVFrame* frame = av_frame_alloc();
  if (frame == nullptr) return nullptr;
  frame->format = like.format;
  frame->width = width;
  frame->height = height;
  if (av_frame_get_buffer(frame, 0) < 0) {
    av_frame_free(&frame);
    return nullptr;
  }
  auto table = std::make_shared<std::vector<std::uint8_t>>(kTableEntries, 0);
  GrayFrame gray;
  for (std::size_t first = 0; first < blocks; first += blocks_per_frame) {
    for (int r = 0; r < height / 2; ++r) {
      std::uint8_t* y0 = frame->data[0] + std::size_t(2 * r) * frame->linesize[0];
      std::uint8_t* y1 = y0 + frame->linesize[0];
      std::uint8_t* u = frame->data[1] + std::size_t(r) * frame->linesize[1];
      std::uint8_t* v = frame->data[2] + std::size_t(r) * frame->linesize[2];
      for (int c = 0; c < width / 2; ++c) {
        const std::size_t block = (first + std::size_t(r) * (width / 2) + c) % blocks;
        const std::size_t chroma = block / kBlocksPerChroma;
        const auto y = static_cast<std::uint8_t>((block % kBlocksPerChroma) * kYPerBlock);
        u[c] = static_cast<std::uint8_t>(chroma >> 8);
        v[c] = static_cast<std::uint8_t>(chroma & 0xFF);
        y0[2 * c] = y;
        y0[2 * c + 1] = static_cast<std::uint8_t>(y + 1);
        y1[2 * c] = static_cast<std::uint8_t>(y + 2);
        y1[2 * c + 1] = static_cast<std::uint8_t>(y + 3);
      }
    }
    convert_through_bgr(*frame, frame_index, gray);
    for (int r = 0; r < height / 2; ++r) {
      const std::uint8_t* y0 = frame->data[0] + std::size_t(2 * r) * frame->linesize[0];
      const std::uint8_t* y1 = y0 + frame->linesize[0];
      const std::uint8_t* u = frame->data[1] + std::size_t(r) * frame->linesize[1];
      const std::uint8_t* v = frame->data[2] + std::size_t(r) * frame->linesize[2];
      for (int c = 0; c < width / 2; ++c) {
        std::uint8_t* entry = table->data() + (std::size_t(u[c]) << 16) + (std::size_t(v[c]) << 8);
        entry[y0[2 * c]] = gray(2 * r, 2 * c);
        entry[y0[2 * c + 1]] = gray(2 * r, 2 * c + 1);
        entry[y1[2 * c]] = gray(2 * r + 1, 2 * c);
        entry[y1[2 * c + 1]] = gray(2 * r + 1, 2 * c + 1);
      }
    }
  }
  av_frame_free(&frame);
  return table;
}

void GrayConversion::convert_with_table(const AVFrame& frame, GrayFrame& out) const {
  const int width = frame.width, height = frame.height;
  out.resize(height, width);
  const std::uint8_t* table = table_->data();
  for (int r = 0; r < height / 2; ++r) {
    const std::uint8_t* y0 = frame.data[0] + std::size_t(2 * r) * frame.linesize[0];
    const std::uint8_t* y1 = y0 + frame.linesize[0];
    const std::uint8_t* u = frame.data[1] + std::size_t(r) * frame.linesize[1];
    const std::uint8_t* v = frame.data[2] + std::size_t(r) * frame.linesize[2];
    std::uint8_t* out0 = out.data() + std::size_t(2 * r) * width;
    std::uint8_t* out1 = out0 + width;
    // Chroma samples begin .. end - 1 and their 2 x 2 pixels, one lookup each.
    const auto look_up = [&](int begin, int end) {
      for (int k = begin; k < end; ++k) {
        const std::uint8_t* entry = table + (std::size_t(u[k]) << 16) + (std::size_t(v[k]) << 8);
        out0[2 * k] = entry[y0[2 * k]];
        out0[2 * k + 1] = entry[y0[2 * k + 1]];
        out1[2 * k] = entry[y1[2 * k]];
        out1[2 * k + 1] = entry[y1[2 * k + 1]];
      }
    };
    int c = 0;
#ifdef FMPIPE_VECTOR_GRAY_LOOKUP
    // Where 32 chroma samples in a row are one (U, V) pair, as over most of an infrared or
    // monochrome camera's image, the 64 x 2 pixels they cover take one 256-entry row of the
    // table: two 128-byte permutes and a blend on the index's top bit give 64 lookups at once.
    for (; c + 32 <= width / 2; c += 32) {
      const __m256i us = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(u + c));
      const __m256i vs = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + c));
      const bool uniform =
          _mm256_cmpeq_epi8_mask(us, _mm256_set1_epi8(static_cast<char>(u[c]))) == 0xFFFFFFFFu &&
          _mm256_cmpeq_epi8_mask(vs, _mm256_set1_epi8(static_cast<char>(v[c]))) == 0xFFFFFFFFu;
      const std::uint8_t* entry = table + (std::size_t(u[c]) << 16) + (std::size_t(v[c]) << 8);
      if (!uniform) {
        look_up(c, c + 32);
        continue;
      }
      const __m512i low0 = _mm512_loadu_si512(entry), low1 = _mm512_loadu_si512(entry + 64);
      const __m512i high0 = _mm512_loadu_si512(entry + 128),
                    high1 = _mm512_loadu_si512(entry + 192);
      for (const auto& [in, to] : {std::pair{y0, out0}, std::pair{y1, out1}}) {
        const __m512i index = _mm512_loadu_si512(in + 2 * c);
        const __m512i low = _mm512_permutex2var_epi8(low0, index, low1);
        const __m512i high = _mm512_permutex2var_epi8(high0, index, high1);
        _mm512_storeu_si512(to + 2 * c,
                            _mm512_mask_blend_epi8(_mm512_movepi8_mask(index), low, high));
      }
    }
#endif
    look_up(c, width / 2);
  }
}

}  // namespace facemap::detail
