#pragma once
// The DataJoint blob codec: what a `<blob>` column (bytea) stores, byte-compatible with
// datajoint-python 2.x (datajoint.blob.pack / unpack) and MATLAB's mYm format.
//
// A blob is an optional zlib wrapper ("ZL123\0", u64 uncompressed length, zlib stream), a
// protocol header ("mYm\0" when only MATLAB-compatible encodings occur, else "dj0\0") and one
// encoded value. See docs/datajoint-compat.md section 5 of the shared design documents.
//
//   dj::BlobDict params{{{"sbin", 4}, {"mask", dj::ColumnMajorArray::from_eigen(mask)}}};
//   std::string packed = dj::pack_blob(params);
//   dj::BlobValue back = dj::unpack_blob(packed);

#include <stdexcept>
#include <string>
#include <string_view>

#include "dj/blob_value.hpp"
#include "dj/value.hpp"

namespace dj {

/// Bytes that are not a valid blob: truncated, corrupt, or using an encoding this codec does not
/// read (MATLAB sparse, complex integer arrays). The message names the offset and what was
/// expected there.
class BlobFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Serializes `value` as datajoint-python would. With `compress`, a blob whose header and payload
/// exceed 1000 bytes is zlib-compressed (level 6, as Python's zlib.compress) and the compressed
/// form kept only when shorter. Throws std::invalid_argument for values Python could not read
/// back (a struct or record array without fields, record fields of different shapes,
/// inconsistent sizes, invalid dates).
std::string pack_blob(const BlobValue& value, bool compress = true);

/// Deserializes blob bytes (compressed or not, either header). Arrays keep their shape, as
/// Python's unpack(squeeze=False) does. Throws BlobFormatError for anything but a valid blob.
BlobValue unpack_blob(std::string_view packed);

/// A table value holding `value` packed: table.insert1({{"mask", dj::to_blob(array)}}).
inline Blob to_blob(const BlobValue& value) {
  return Blob{pack_blob(value)};
}

/// A fetched row's blob attribute, unpacked.
inline BlobValue unpack_blob(const Row& row, const std::string& attribute) {
  const Value& value = row[attribute];
  if (!value.holds<Blob>()) row.get<Blob>(attribute);  // throws naming the attribute and value
  return unpack_blob(value.as<Blob>().packed);         // no copy of the packed bytes
}

/// A fetched row's numeric blob attribute as an Eigen matrix (or vector) M; throws naming the
/// problem when the blob holds no array, or one of another dtype (unless `conversion` allows
/// turning it to floating point) or shape.
template <class M>
M unpack_matrix(const Row& row, const std::string& attribute,
                Conversion conversion = Conversion::exact) {
  return unpack_blob(row, attribute).as<ColumnMajorArray>().to_eigen<M>(conversion);
}

/// A fetched row's 1-D numeric blob attribute as a std::vector<T>.
template <class T>
std::vector<T> unpack_vector(const Row& row, const std::string& attribute,
                             Conversion conversion = Conversion::exact) {
  return unpack_blob(row, attribute).as<ColumnMajorArray>().to_vector<T>(conversion);
}

}  // namespace dj
