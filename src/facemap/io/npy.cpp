// The .npy container: magic "\x93NUMPY", a version, the header's length, the header literal
// padded to 64 bytes, then the elements (or a pickle for object arrays).

#include "facemap/io/npy.hpp"

#include "binary_file.hpp"
#include "npy_header.hpp"

namespace facemap {
namespace {

constexpr std::string_view magic = "\x93NUMPY";
// np.save aligns the start of the data to this many bytes.
constexpr std::size_t header_alignment = 64;
const std::string object_descr = "|O";

// A .npy file split into its header and the bytes after it.
struct NpyFile {
  detail::NpyHeader header;
  std::string_view payload;
};

NpyFile split_npy(const std::filesystem::path& path, std::string_view contents) {
  const auto fail = [&](const std::string& reason) {
    return NpyError(path.string() + ": " + reason);
  };
  if (contents.substr(0, magic.size()) != magic) throw fail("not a .npy file (no numpy magic)");
  if (contents.size() < magic.size() + 4) throw fail("truncated .npy preamble");
  const int major = static_cast<std::uint8_t>(contents[magic.size()]);
  if (major < 1 || major > 3)
    throw fail(".npy format version " + std::to_string(major) +
               " is not supported (1.0 to 3.0 are)");
  // Version 1 has a 2-byte header length, later versions a 4-byte one.
  const std::size_t length_width = major == 1 ? 2 : 4;
  const std::size_t header_start = magic.size() + 2 + length_width;
  if (contents.size() < header_start) throw fail("truncated .npy preamble");
  std::size_t header_length = 0;
  for (std::size_t i = length_width; i-- > 0;)
    header_length =
        (header_length << 8) | static_cast<std::uint8_t>(contents[magic.size() + 2 + i]);
  if (contents.size() < header_start + header_length) throw fail("truncated .npy header");
  try {
    return {detail::parse_npy_header(contents.substr(header_start, header_length)),
            contents.substr(header_start + header_length)};
  } catch (const std::invalid_argument& error) {
    throw fail(error.what());
  }
}

std::string npy_bytes(const detail::NpyHeader& header, std::string_view payload) {
  std::string text = detail::format_npy_header(header);
  const bool version_one = text.size() + magic.size() + 5 < 65536;
  const std::size_t preamble = magic.size() + 2 + (version_one ? 2 : 4);
  text += std::string(header_alignment - 1 - (preamble + text.size()) % header_alignment, ' ');
  text += '\n';
  std::string contents(magic);
  contents += version_one ? '\x01' : '\x02';
  contents += '\x00';
  for (std::size_t i = 0; i < (version_one ? 2u : 4u); ++i)
    contents += static_cast<char>((text.size() >> (8 * i)) & 0xff);
  contents += text;
  contents += payload;
  return contents;
}

}  // namespace

RowMajorArray read_npy(const std::filesystem::path& path) {
  const std::string contents = detail::read_binary_file<NpyError>(path);
  const NpyFile file = split_npy(path, contents);
  if (file.header.descr == object_descr)
    throw NpyError(path.string() + ": holds Python objects (dtype object); use read_npy_object");
  try {
    const StoredDType stored = StoredDType::parse(file.header.descr);
    const auto needed =
        static_cast<std::size_t>(element_count(file.header.shape) * stored.dtype.itemsize);
    if (file.payload.size() < needed)
      throw NpyError(path.string() + ": truncated data: " + shape_text(file.header.shape) + " " +
                     file.header.descr + " needs " + std::to_string(needed) + " bytes, file has " +
                     std::to_string(file.payload.size()));
    return RowMajorArray::from_stored(stored, file.header.shape, file.header.fortran_order,
                                file.payload.substr(0, needed));
  } catch (const std::invalid_argument& error) {
    throw NpyError(path.string() + ": " + error.what());
  }
}

pickle::Value read_npy_object(const std::filesystem::path& path, pickle::ReadOptions options) {
  const std::string contents = detail::read_binary_file<NpyError>(path);
  const NpyFile file = split_npy(path, contents);
  if (file.header.descr != object_descr)
    throw NpyError(path.string() + ": holds a numeric array (dtype " + file.header.descr +
                   "), not Python objects; use read_npy");
  if (options.source == pickle::ReadOptions().source) options.source = path.string();
  return pickle::read_pickle(file.payload, options);
}

void write_npy(const std::filesystem::path& path, const RowMajorArray& array) {
  const detail::NpyHeader header{array.dtype().descr(), false, array.shape()};
  detail::write_binary_file<NpyError>(
      path, npy_bytes(header, std::string_view(reinterpret_cast<const char*>(array.bytes().data()),
                                               array.bytes().size())));
}

void write_npy_object(const std::filesystem::path& path, const pickle::Value& value) {
  const detail::NpyHeader header{object_descr, false, {}};
  detail::write_binary_file<NpyError>(
      path, npy_bytes(header, pickle::write_pickle_in_object_array(value)));
}

}  // namespace facemap
