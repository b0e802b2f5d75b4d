// Reordering arrays between column-major and C order (pipeline/array_conversion.hpp).

#include "pipeline/array_conversion.hpp"

#include <array>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <utility>

namespace pipeline {
namespace {

using facemap::DType;
using Kind = facemap::DType::Kind;

// Each blob dtype that numpy files hold, with its numpy kind and size.
constexpr std::array<std::pair<dj::DType, DType>, 13> kSharedDTypes = {{
    {dj::DType::boolean, {Kind::boolean, 1}},
    {dj::DType::int8, {Kind::signed_int, 1}},
    {dj::DType::uint8, {Kind::unsigned_int, 1}},
    {dj::DType::int16, {Kind::signed_int, 2}},
    {dj::DType::uint16, {Kind::unsigned_int, 2}},
    {dj::DType::int32, {Kind::signed_int, 4}},
    {dj::DType::uint32, {Kind::unsigned_int, 4}},
    {dj::DType::int64, {Kind::signed_int, 8}},
    {dj::DType::uint64, {Kind::unsigned_int, 8}},
    {dj::DType::float32, {Kind::floating, 4}},
    {dj::DType::float64, {Kind::floating, 8}},
    {dj::DType::complex64, {Kind::complex, 8}},
    {dj::DType::complex128, {Kind::complex, 16}},
}};

// Copies n-d elements of `itemsize` bytes from one order to the other. Walking the source in its
// own order, the index that varies fastest is the last one for C order and the first one for
// column-major; `strides` are the destination's element strides of each dimension.
template <class Byte, class OutByte>
void reorder(const Byte* in, OutByte* out, const std::vector<std::uint64_t>& shape,
             std::size_t itemsize, bool source_is_c_order) {
  const std::size_t ndim = shape.size();
  std::uint64_t count = 1;
  for (const std::uint64_t extent : shape) count *= extent;
  if (count == 0) return;
  std::vector<std::uint64_t> strides(ndim, 1);
  if (source_is_c_order) {  // destination column-major: stride of d is the product before d
    for (std::size_t d = 1; d < ndim; ++d) strides[d] = strides[d - 1] * shape[d - 1];
  } else {  // destination C order: stride of d is the product after d
    for (std::size_t d = ndim; d-- > 1;) strides[d - 1] = strides[d] * shape[d];
  }
  std::vector<std::uint64_t> index(ndim, 0);
  std::uint64_t offset = 0;  // destination element of the current index
  for (std::uint64_t i = 0; i < count; ++i) {
    std::memcpy(out + offset * itemsize, in + i * itemsize, itemsize);
    // Advance the multi-index in the source's order, keeping the destination offset in step.
    for (std::size_t step = 0; step < ndim; ++step) {
      const std::size_t d = source_is_c_order ? ndim - 1 - step : step;
      if (++index[d] < shape[d]) {
        offset += strides[d];
        break;
      }
      offset -= strides[d] * (shape[d] - 1);
      index[d] = 0;
    }
  }
}

}  // namespace

facemap::RowMajorArray to_row_major(const dj::ColumnMajorArray& array) {
  std::optional<DType> dtype;
  for (const auto& [blob_dtype, numpy_dtype] : kSharedDTypes)
    if (blob_dtype == array.dtype()) dtype = numpy_dtype;
  if (!dtype)
    throw std::invalid_argument("a " + array.describe() +
                                " array has no counterpart in numpy files");
  std::vector<std::uint8_t> bytes(array.bytes().size());
  reorder(array.bytes().data(), bytes.data(), array.shape(), dj::element_size(array.dtype()),
          false);
  return facemap::RowMajorArray(*dtype, {array.shape().begin(), array.shape().end()},
                                std::move(bytes));
}

dj::ColumnMajorArray to_column_major(const facemap::RowMajorArray& array) {
  std::optional<dj::DType> dtype;
  for (const auto& [blob_dtype, numpy_dtype] : kSharedDTypes)
    if (numpy_dtype == array.dtype()) dtype = blob_dtype;
  if (!dtype)
    throw std::invalid_argument("a " + array.describe() + " array cannot be held in a blob");
  const dj::Shape shape(array.shape().begin(), array.shape().end());
  dj::ColumnMajorArray result(*dtype, shape);
  reorder(array.bytes().data(), result.bytes().data(), shape,
          static_cast<std::size_t>(array.dtype().itemsize), true);
  return result;
}

}  // namespace pipeline
