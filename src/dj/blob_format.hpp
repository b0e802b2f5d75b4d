#pragma once
// The blob wire format shared by the encoder (blob_encode.cpp) and decoder (blob_decode.cpp):
// type codes, MATLAB class ids, and the envelope's constants.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dj/blob_value.hpp"

namespace dj::blob_format {

// The wire is little-endian and the codec copies numbers and array data with memcpy.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the blob codec needs a little-endian CPU");

inline constexpr std::string_view mym_header{"mYm\0", 4};
inline constexpr std::string_view dj0_header{"dj0\0", 4};
inline constexpr std::string_view zlib_prefix{"ZL123\0", 6};
/// Blobs whose header and payload are longer than this are offered to zlib.
inline constexpr std::size_t compression_threshold = 1000;

/// The one-byte codes that start each encoded value.
namespace code {
inline constexpr char array = 'A';
inline constexpr char sparse = 'P';
inline constexpr char struct_array = 'S';
inline constexpr char cell_array = 'C';
inline constexpr char record_array = 'F';
inline constexpr char tuple = '\x01';
inline constexpr char list = '\x02';
inline constexpr char set = '\x03';
inline constexpr char dict = '\x04';
inline constexpr char str = '\x05';
inline constexpr char bytes = '\x06';
inline constexpr char integer = '\x0a';
inline constexpr char boolean = '\x0b';
inline constexpr char complex = '\x0c';
inline constexpr char floating = '\x0d';
inline constexpr char decimal = 'd';
inline constexpr char datetime = 't';
inline constexpr char uuid = 'u';
inline constexpr char none = '\xff';
}  // namespace code

/// MATLAB's class id of an object array ('A' whose elements are length-prefixed values).
inline constexpr std::uint32_t object_class_id = 5;

/// How an 'A' encoding labels its elements.
struct WireType {
  std::uint32_t class_id;
  bool is_complex;
};

/// The class id and complex flag of an array's dtype.
WireType wire_type(DType dtype, TimeUnit unit);
/// The dtype (and datetime64 unit) that a class id and complex flag denote, if any.
std::optional<std::pair<DType, TimeUnit>> dtype_of_wire(WireType wire);

/// The shape of a value a record array's field may hold (ColumnMajorArray, ObjectArray, RecordArray),
/// or nullptr for other values.
const Shape* array_shape(const BlobValue& value);

/// Appends the encoding of `value` (no header) to `out`. Returns whether it used an encoding
/// outside MATLAB's mYm set, which makes the blob's header "dj0".
bool encode_value(const BlobValue& value, std::string& out);

/// Decodes the one value that fills `blob` from `offset` to its end. Errors name offsets in
/// `blob` and call it `blob_name` ("blob" or "decompressed blob").
BlobValue decode_value(std::string_view blob, std::size_t offset, const std::string& blob_name);

}  // namespace dj::blob_format
