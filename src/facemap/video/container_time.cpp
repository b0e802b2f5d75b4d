#include "container_time.hpp"

#include <array>
#include <cstdint>
#include <fstream>
#include <string>

namespace facemap::detail {
namespace {

// Seconds from 1904-01-01 (QuickTime's epoch) to 1970-01-01 (Unix's).
constexpr std::uint64_t kQuickTimeToUnixSeconds = 2082844800;

std::uint64_t read_big_endian(std::istream& in, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<std::uint8_t>(in.get());
  return value;
}

struct Box {
  std::string type;
  std::uint64_t payload_start = 0, end = 0;
};

// Reads the box header at the stream's position; false at the end or on a malformed header.
bool read_box(std::istream& in, std::uint64_t limit, Box& box) {
  const std::uint64_t start = static_cast<std::uint64_t>(in.tellg());
  if (start + 8 > limit) return false;
  std::uint64_t size = read_big_endian(in, 4);
  std::array<char, 4> type{};
  in.read(type.data(), 4);
  std::uint64_t header = 8;
  if (size == 1) {
    size = read_big_endian(in, 8);
    header = 16;
  } else if (size == 0) {
    size = limit - start;
  }
  if (!in || size < header || start + size > limit) return false;
  box = {std::string(type.data(), 4), start + header, start + size};
  return true;
}

// Finds the first child box of `type` in [begin, end); leaves the stream at its payload.
std::optional<Box> find_box(std::istream& in, std::uint64_t begin, std::uint64_t end,
                            const std::string& type) {
  in.seekg(static_cast<std::streamoff>(begin));
  Box box;
  while (read_box(in, end, box)) {
    if (box.type == type) return box;
    in.seekg(static_cast<std::streamoff>(box.end));
  }
  return std::nullopt;
}

bool is_quicktime_top_level(const std::string& type) {
  for (const char* known : {"ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"}) {
    if (type == known) return true;
  }
  return false;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> container_creation_time(
    const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code error;
  const std::uint64_t size = std::filesystem::file_size(path, error);
  Box first;
  if (!in || error || !read_box(in, size, first) || !is_quicktime_top_level(first.type)) {
    return std::nullopt;
  }
  const auto moov = find_box(in, 0, size, "moov");
  if (!moov) return std::nullopt;
  const auto mvhd = find_box(in, moov->payload_start, moov->end, "mvhd");
  if (!mvhd) return std::nullopt;
  in.seekg(static_cast<std::streamoff>(mvhd->payload_start));
  const int version = in.get();
  in.ignore(3);  // flags
  const std::uint64_t seconds_since_1904 = read_big_endian(in, version == 1 ? 8 : 4);
  // 0 means "not recorded"; a date before 1970 is no more plausible for a recording.
  if (!in || seconds_since_1904 <= kQuickTimeToUnixSeconds) return std::nullopt;
  return std::chrono::system_clock::time_point(
      std::chrono::seconds(seconds_since_1904 - kQuickTimeToUnixSeconds));
}

}  // namespace facemap::detail
