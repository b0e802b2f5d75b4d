#include "dj/column_major_array.hpp"

#include <array>
#include <cstring>
#include <limits>

namespace dj {
namespace {

// Copies n-d elements of `itemsize` bytes between C order and column-major order. Walking the
// source in its own order, the index that varies fastest is the last one for C order and the
// first one for column-major; the destination offset follows with the destination's strides.
void reorder(const std::byte* in, std::byte* out, const Shape& shape, std::size_t itemsize,
             bool source_is_c_order) {
  const std::size_t ndim = shape.size();
  const std::uint64_t count = element_count(shape);
  if (count == 0) return;
  std::vector<std::uint64_t> strides(ndim, 1);
  if (source_is_c_order) {  // destination column-major: stride of d is the product before d
    for (std::size_t d = 1; d < ndim; ++d) strides[d] = strides[d - 1] * shape[d - 1];
  } else {  // destination C order: stride of d is the product after d
    for (std::size_t d = ndim; d-- > 1;) strides[d - 1] = strides[d] * shape[d];
  }
  std::vector<std::uint64_t> index(ndim, 0);
  std::uint64_t offset = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::memcpy(out + offset * itemsize, in + i * itemsize, itemsize);
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

static_assert(sizeof(bool) == 1, "numpy bool arrays hold one byte per element");

std::size_t element_size(DType dtype) {
  std::size_t size = 0;
  visit_storage_type(dtype, [&](auto tag) { size = sizeof(typename decltype(tag)::type); });
  return size;
}

std::string dtype_name(DType dtype, TimeUnit unit) {
  static const std::array<const char*, 15> names = {
      "bool",   "int8",    "uint8",   "int16",     "uint16",     "int32", "uint32",    "int64",
      "uint64", "float32", "float64", "complex64", "complex128", "char",  "datetime64"};
  static const std::array<const char*, 13> units = {"Y",  "M",  "W",  "D",  "h",  "m", "s",
                                                    "ms", "us", "ns", "ps", "fs", "as"};
  std::string name = names.at(static_cast<std::size_t>(dtype));
  if (dtype == DType::datetime64) name += "[" + std::string(units.at(static_cast<int>(unit))) + "]";
  return name;
}

std::string format_shape(const Shape& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::uint64_t element_count(const Shape& shape) {
  std::uint64_t count = 1;
  for (std::uint64_t extent : shape)
    if (__builtin_mul_overflow(count, extent, &count))
      throw std::overflow_error("array shape " + format_shape(shape) + " has too many elements");
  return count;
}

ColumnMajorArray::ColumnMajorArray(DType dtype, Shape shape, TimeUnit unit)
    : dtype_(dtype), unit_(unit), shape_(std::move(shape)) {
  std::uint64_t byte_count = 0;
  if (__builtin_mul_overflow(element_count(shape_), element_size(dtype_), &byte_count) ||
      byte_count > std::numeric_limits<std::size_t>::max() / 2)
    throw std::overflow_error("a " + describe() + " does not fit in memory");
  bytes_.resize(byte_count);
}

ColumnMajorArray ColumnMajorArray::from_c_order(DType dtype, Shape shape,
                                                std::span<const std::byte> elements,
                                                TimeUnit unit) {
  ColumnMajorArray array(dtype, std::move(shape), unit);
  if (elements.size() != array.bytes_.size())
    throw std::invalid_argument("a " + array.describe() + " needs " +
                                std::to_string(array.bytes_.size()) + " bytes, got " +
                                std::to_string(elements.size()));
  reorder(elements.data(), array.bytes_.data(), array.shape_, element_size(dtype), true);
  return array;
}

std::vector<std::byte> ColumnMajorArray::c_order_bytes() const {
  std::vector<std::byte> c_order(bytes_.size());
  reorder(bytes_.data(), c_order.data(), shape_, element_size(dtype_), false);
  return c_order;
}

bool ColumnMajorArray::operator==(const ColumnMajorArray& other) const {
  return dtype_ == other.dtype_ && (dtype_ != DType::datetime64 || unit_ == other.unit_) &&
         shape_ == other.shape_ && bytes_ == other.bytes_;
}

std::string ColumnMajorArray::describe() const {
  return dtype_name(dtype_, unit_) + " array of shape " + format_shape(shape_);
}

void ColumnMajorArray::check_storage(DType requested) const {
  const bool datetime_ticks = dtype_ == DType::datetime64 && requested == DType::int64;
  if (requested != dtype_ && !datetime_ticks)
    throw std::invalid_argument("the elements of a " + describe() + " cannot be accessed as " +
                                dtype_name(requested));
}

std::pair<Eigen::Index, Eigen::Index> ColumnMajorArray::eigen_extent(int rows_at_compile_time,
                                                            int cols_at_compile_time) const {
  const auto extent = [&](std::size_t dim) { return static_cast<Eigen::Index>(shape_[dim]); };
  Eigen::Index rows = 0, cols = 0;
  if (cols_at_compile_time == 1 && (ndim() == 1 || (ndim() == 2 && shape_[1] == 1))) {
    rows = extent(0), cols = 1;
  } else if (rows_at_compile_time == 1 && (ndim() == 1 || (ndim() == 2 && shape_[0] == 1))) {
    rows = 1, cols = extent(ndim() - 1);
  } else if (cols_at_compile_time != 1 && rows_at_compile_time != 1 && ndim() == 2) {
    rows = extent(0), cols = extent(1);
  } else {
    const char* wanted = cols_at_compile_time == 1   ? "a column vector needs a 1-D or (n, 1)"
                         : rows_at_compile_time == 1 ? "a row vector needs a 1-D or (1, n)"
                                                     : "an Eigen matrix needs a 2-D";
    throw std::invalid_argument(std::string(wanted) + " array, got a " + describe());
  }
  const bool rows_fit = rows_at_compile_time == Eigen::Dynamic || rows_at_compile_time == rows;
  const bool cols_fit = cols_at_compile_time == Eigen::Dynamic || cols_at_compile_time == cols;
  if (!rows_fit || !cols_fit)
    throw std::invalid_argument("a fixed-size " + std::to_string(rows_at_compile_time) + "x" +
                                std::to_string(cols_at_compile_time) +
                                " Eigen type cannot hold a " + describe());
  return {rows, cols};
}

namespace detail {

void check_conversion(DType source, DType target, Conversion conversion) {
  if (source == target) return;
  const bool target_floating = target == DType::float32 || target == DType::float64;
  const bool source_real = source != DType::complex64 && source != DType::complex128 &&
                           source != DType::character && source != DType::datetime64;
  if (conversion == Conversion::to_floating_point && target_floating && source_real) return;
  std::string message =
      "array dtype " + dtype_name(source) + " does not match the requested " + dtype_name(target);
  if (target_floating && source_real) message += " (pass Conversion::to_floating_point to convert)";
  throw std::invalid_argument(message);
}

}  // namespace detail
}  // namespace dj
