// The blob envelope: protocol header and the optional "ZL123" zlib wrapper.

#include "dj/blob.hpp"

#include <cstring>

#include <zlib.h>

#include "blob_format.hpp"

namespace dj {
namespace {

using namespace blob_format;

constexpr std::size_t wrapper_size = zlib_prefix.size() + sizeof(std::uint64_t);
// The most deflate can shrink data (zlib's documentation: 1032:1); a larger claimed length
// means a corrupt wrapper, and is refused before allocating it.
constexpr std::uint64_t max_deflate_ratio = 1032;

// The wrapped, compressed form of `blob`. compress2 at level 6 with zlib's defaults is what
// Python's zlib.compress does, so the bytes match datajoint-python's.
std::string compressed(const std::string& blob) {
  uLongf stream_size = compressBound(blob.size());
  std::string wrapped(wrapper_size + stream_size, '\0');
  std::memcpy(wrapped.data(), zlib_prefix.data(), zlib_prefix.size());
  const std::uint64_t length = blob.size();
  std::memcpy(wrapped.data() + zlib_prefix.size(), &length, sizeof length);
  const int status =
      compress2(reinterpret_cast<Bytef*>(wrapped.data() + wrapper_size), &stream_size,
                reinterpret_cast<const Bytef*>(blob.data()), blob.size(), 6);
  if (status != Z_OK)
    throw std::runtime_error("zlib failed to compress a " + std::to_string(blob.size()) +
                             "-byte blob (status " + std::to_string(status) + ")");
  wrapped.resize(wrapper_size + stream_size);
  return wrapped;
}

// The blob inside a "ZL123" wrapper, its length checked against the wrapper's.
std::string decompressed(std::string_view packed) {
  if (packed.size() < wrapper_size)
    throw BlobFormatError("compressed blob (" + std::to_string(packed.size()) +
                          " bytes), offset 6: truncated: expected the uncompressed length");
  std::uint64_t length = 0;
  std::memcpy(&length, packed.data() + zlib_prefix.size(), sizeof length);
  const std::string_view stream = packed.substr(wrapper_size);
  if (length / max_deflate_ratio > stream.size())
    throw BlobFormatError("compressed blob, offset 6: uncompressed length " +
                          std::to_string(length) + " is impossible for a " +
                          std::to_string(stream.size()) + "-byte zlib stream");
  std::string blob(length, '\0');
  uLongf blob_size = length;
  uLong stream_size = stream.size();
  const int status = uncompress2(reinterpret_cast<Bytef*>(blob.data()), &blob_size,
                                 reinterpret_cast<const Bytef*>(stream.data()), &stream_size);
  if (status != Z_OK || blob_size != length || stream_size != stream.size())
    throw BlobFormatError(
        "compressed blob, offset " + std::to_string(wrapper_size) + ": the zlib stream of " +
        std::to_string(stream.size()) + " bytes does not decompress to the " +
        std::to_string(length) + " bytes its wrapper announces (" +
        (status == Z_OK ? "sizes differ" : std::string("zlib: ") + zError(status)) + ")");
  return blob;
}

}  // namespace

std::string pack_blob(const BlobValue& value, bool compress) {
  std::string blob(mym_header);
  if (encode_value(value, blob)) blob.replace(0, dj0_header.size(), dj0_header);
  if (!compress || blob.size() <= compression_threshold) return blob;
  std::string wrapped = compressed(blob);
  return wrapped.size() < blob.size() ? wrapped : blob;
}

BlobValue unpack_blob(std::string_view packed) {
  std::string inflated;
  const bool is_compressed = packed.substr(0, zlib_prefix.size()) == zlib_prefix;
  if (is_compressed) {
    inflated = decompressed(packed);
    packed = inflated;
  }
  const std::string blob_name = is_compressed ? "decompressed blob" : "blob";
  const std::string_view header = packed.substr(0, mym_header.size());
  if (header != mym_header && header != dj0_header)
    throw BlobFormatError(blob_name + ", offset 0: expected the header \"mYm\\0\" or \"dj0\\0\" (" +
                          std::to_string(packed.size()) + " bytes that are not a DataJoint blob)");
  return decode_value(packed, header.size(), blob_name);
}

}  // namespace dj
