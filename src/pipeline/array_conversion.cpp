// Arrays between the two layers (pipeline/array_conversion.hpp): the dtypes map one to one, and
// dj::ColumnMajorArray reorders the elements.

#include "pipeline/array_conversion.hpp"

#include <array>
#include <optional>
#include <span>
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

}  // namespace

facemap::RowMajorArray to_row_major(const dj::ColumnMajorArray& array) {
  std::optional<DType> dtype;
  for (const auto& [blob_dtype, numpy_dtype] : kSharedDTypes)
    if (blob_dtype == array.dtype()) dtype = numpy_dtype;
  if (!dtype)
    throw std::invalid_argument("a " + array.describe() +
                                " array has no counterpart in numpy files");
  const std::vector<std::byte> c_order = array.c_order_bytes();
  const auto* first = reinterpret_cast<const std::uint8_t*>(c_order.data());
  return facemap::RowMajorArray(*dtype, {array.shape().begin(), array.shape().end()},
                                std::vector<std::uint8_t>(first, first + c_order.size()));
}

dj::ColumnMajorArray to_column_major(const facemap::RowMajorArray& array) {
  std::optional<dj::DType> dtype;
  for (const auto& [blob_dtype, numpy_dtype] : kSharedDTypes)
    if (numpy_dtype == array.dtype()) dtype = blob_dtype;
  if (!dtype)
    throw std::invalid_argument("a " + array.describe() + " array cannot be held in a blob");
  return dj::ColumnMajorArray::from_c_order(
      *dtype, dj::Shape(array.shape().begin(), array.shape().end()),
      std::as_bytes(std::span(array.bytes())));
}

}  // namespace pipeline
