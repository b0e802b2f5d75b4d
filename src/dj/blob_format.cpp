#include "blob_format.hpp"

#include <array>

namespace dj::blob_format {
namespace {

// MATLAB class ids (mxClassID) of the numeric dtypes, indexed by DType; complex numbers use the
// id of their real part with the complex flag. datetime64 is handled apart (it has units).
constexpr std::array<WireType, 14> wire_types = {{
    {3, false},   // boolean (mxLOGICAL)
    {8, false},   // int8
    {9, false},   // uint8
    {10, false},  // int16
    {11, false},  // uint16
    {12, false},  // int32
    {13, false},  // uint32
    {14, false},  // int64
    {15, false},  // uint64
    {7, false},   // float32 (mxSINGLE)
    {6, false},   // float64 (mxDOUBLE)
    {7, true},    // complex64
    {6, true},    // complex128
    {4, false},   // character (mxCHAR)
}};
// numpy datetime64 arrays: this plus the unit's index (Y = 0 ... as = 12).
constexpr std::uint32_t datetime64_class_id = 65536;
constexpr std::uint32_t time_unit_count = 13;

}  // namespace

WireType wire_type(DType dtype, TimeUnit unit) {
  if (dtype == DType::datetime64)
    return {datetime64_class_id + static_cast<std::uint32_t>(unit), false};
  return wire_types.at(static_cast<std::size_t>(dtype));
}

std::optional<std::pair<DType, TimeUnit>> dtype_of_wire(WireType wire) {
  if (wire.class_id >= datetime64_class_id &&
      wire.class_id < datetime64_class_id + time_unit_count && !wire.is_complex)
    return std::pair{DType::datetime64, static_cast<TimeUnit>(wire.class_id - datetime64_class_id)};
  for (std::size_t i = 0; i < wire_types.size(); ++i)
    if (wire_types[i].class_id == wire.class_id && wire_types[i].is_complex == wire.is_complex)
      return std::pair{static_cast<DType>(i), TimeUnit::second};
  return std::nullopt;
}

const Shape* array_shape(const BlobValue& value) {
  if (const auto* array = std::get_if<ColumnMajorArray>(&value.storage())) return &array->shape();
  if (const auto* objects = std::get_if<ObjectArray>(&value.storage())) return &objects->shape;
  if (const auto* records = std::get_if<RecordArray>(&value.storage()))
    return records->fields.empty() ? nullptr : array_shape(records->fields.front());
  return nullptr;
}

}  // namespace dj::blob_format
