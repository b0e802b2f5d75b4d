// The .npy container around the header (npy/npy_file.hpp).

#include <cstdint>
#include <stdexcept>

#include "npy_header.hpp"

namespace npy {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
// np.save aligns the start of the data to this many bytes.
constexpr std::size_t kHeaderAlignment = 64;

}  // namespace

File split(std::string_view contents) {
  const auto fail = [](const std::string& reason) { return std::invalid_argument(reason); };
  if (contents.substr(0, kMagic.size()) != kMagic) throw fail("not a .npy file (no numpy magic)");
  if (contents.size() < kMagic.size() + 4) throw fail("truncated .npy preamble");
  const int major = static_cast<std::uint8_t>(contents[kMagic.size()]);
  if (major < 1 || major > 3)
    throw fail(".npy format version " + std::to_string(major) +
               " is not supported (1.0 to 3.0 are)");
  // Version 1 has a 2-byte header length, later versions a 4-byte one, little-endian.
  const std::size_t length_width = major == 1 ? 2 : 4;
  const std::size_t header_start = kMagic.size() + 2 + length_width;
  if (contents.size() < header_start) throw fail("truncated .npy preamble");
  std::size_t header_length = 0;
  for (std::size_t i = length_width; i-- > 0;)
    header_length =
        (header_length << 8) | static_cast<std::uint8_t>(contents[kMagic.size() + 2 + i]);
  if (contents.size() < header_start + header_length) throw fail("truncated .npy header");
  return {parse_header(contents.substr(header_start, header_length)),
          contents.substr(header_start + header_length)};
}

std::string join(const Header& header, std::string_view data) {
  std::string text = format_header(header);
  const bool version_one = text.size() + kMagic.size() + 5 < 65536;
  const std::size_t preamble = kMagic.size() + 2 + (version_one ? 2 : 4);
  text += std::string(kHeaderAlignment - 1 - (preamble + text.size()) % kHeaderAlignment, ' ');
  text += '\n';
  std::string contents(kMagic);
  contents += version_one ? '\x01' : '\x02';
  contents += '\x00';
  for (std::size_t i = 0; i < (version_one ? 2u : 4u); ++i)
    contents += static_cast<char>((text.size() >> (8 * i)) & 0xff);
  contents += text;
  contents += data;
  return contents;
}

}  // namespace npy
