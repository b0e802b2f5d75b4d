#include "facemap/io/row_major_array.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace facemap {
namespace {

bool host_is_little_endian() {
  const std::uint16_t probe = 1;
  std::uint8_t first_byte = 0;
  std::memcpy(&first_byte, &probe, 1);
  return first_byte == 1;
}

bool is_supported(DType dtype) {
  const int size = dtype.itemsize;
  switch (dtype.kind) {
    case DType::Kind::boolean:
      return size == 1;
    case DType::Kind::signed_int:
    case DType::Kind::unsigned_int:
      return size == 1 || size == 2 || size == 4 || size == 8;
    case DType::Kind::floating:
      return size == 2 || size == 4 || size == 8;
    case DType::Kind::complex:
      return size == 8 || size == 16;
  }
  return false;
}

// IEEE 754 half precision to float; numpy's float16 has no C++17 counterpart.
float half_to_float(std::uint16_t half) {
  const int exponent = (half >> 10) & 0x1f;
  const int mantissa = half & 0x3ff;
  float magnitude;
  if (exponent == 0)
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  else if (exponent == 31)
    magnitude =
        mantissa ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  else
    magnitude = std::ldexp(static_cast<float>(mantissa + 1024), exponent - 25);
  return (half & 0x8000) ? -magnitude : magnitude;
}

// A float16 element's bits, kept apart from uint16 so that conversion knows which it is.
struct Half {
  std::uint16_t bits;
};

template <class Target, class Source>
Target convert_element(Source element) {
  return static_cast<Target>(element);
}
template <class Target>
Target convert_element(Half element) {
  return static_cast<Target>(half_to_float(element.bits));
}

template <class Source, class Target>
void convert_elements(const std::vector<std::uint8_t>& bytes, std::vector<Target>& out) {
  const std::size_t count = bytes.size() / sizeof(Source);
  out.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    Source element;
    std::memcpy(&element, bytes.data() + i * sizeof(Source), sizeof(Source));
    out[i] = convert_element<Target>(element);
  }
}

void check_byte_count(DType dtype, const RowMajorArray::Shape& shape, std::size_t byte_count) {
  const auto expected = static_cast<std::size_t>(element_count(shape) * dtype.itemsize);
  if (byte_count != expected)
    throw std::invalid_argument("a " + shape_text(shape) + " " + dtype.name() + " array needs " +
                                std::to_string(expected) + " bytes, got " +
                                std::to_string(byte_count));
}

// Reverses every element's bytes; a complex element is two floats, each reversed on its own.
void swap_byte_order(std::vector<std::uint8_t>& bytes, DType dtype) {
  const int width = dtype.kind == DType::Kind::complex ? dtype.itemsize / 2 : dtype.itemsize;
  if (width == 1) return;
  for (std::size_t at = 0; at + width <= bytes.size(); at += width)
    std::reverse(bytes.begin() + at, bytes.begin() + at + width);
}

// Fortran-order elements to C order: walks the C-order positions with an odometer and reads each
// element at its Fortran offset.
std::vector<std::uint8_t> fortran_to_c_order(const std::vector<std::uint8_t>& fortran,
                                             const RowMajorArray::Shape& shape, int itemsize) {
  const std::size_t ndim = shape.size();
  std::vector<std::int64_t> fortran_stride(ndim, 1);
  for (std::size_t axis = 1; axis < ndim; ++axis)
    fortran_stride[axis] = fortran_stride[axis - 1] * shape[axis - 1];
  std::vector<std::uint8_t> c_order(fortran.size());
  std::vector<std::int64_t> index(ndim, 0);
  const std::int64_t count = element_count(shape);
  for (std::int64_t position = 0; position < count; ++position) {
    std::int64_t source = 0;
    for (std::size_t axis = 0; axis < ndim; ++axis) source += index[axis] * fortran_stride[axis];
    std::memcpy(c_order.data() + position * itemsize, fortran.data() + source * itemsize, itemsize);
    for (std::size_t axis = ndim; axis-- > 0;) {
      if (++index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
  return c_order;
}

}  // namespace

std::string DType::name() const {
  return static_cast<char>(kind) + std::to_string(itemsize);
}

std::string DType::descr() const {
  const char order = itemsize == 1 ? '|' : (host_is_little_endian() ? '<' : '>');
  return order + name();
}

StoredDType StoredDType::parse(std::string_view descr) {
  const auto fail = [&] {
    return std::invalid_argument("unsupported numpy dtype '" + std::string(descr) +
                                 "' (supported: b1, i1-i8, u1-u8, f2, f4, f8, c8, c16)");
  };
  std::string_view rest = descr;
  StoredDType stored;
  stored.big_endian = !host_is_little_endian();
  if (!rest.empty() && std::string_view("<>|=").find(rest.front()) != std::string_view::npos) {
    if (rest.front() == '<') stored.big_endian = false;
    if (rest.front() == '>') stored.big_endian = true;
    rest.remove_prefix(1);
  }
  if (rest.size() < 2 || std::string_view("biufc").find(rest.front()) == std::string_view::npos)
    throw fail();
  stored.dtype.kind = static_cast<DType::Kind>(rest.front());
  rest.remove_prefix(1);
  if (!std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      rest.size() > 2)
    throw fail();
  stored.dtype.itemsize = std::stoi(std::string(rest));
  if (!is_supported(stored.dtype)) throw fail();
  return stored;
}

std::int64_t element_count(const RowMajorArray::Shape& shape) {
  std::int64_t count = 1;
  for (const std::int64_t extent : shape) {
    if (extent < 0) throw std::invalid_argument("negative extent in shape " + shape_text(shape));
    count *= extent;
  }
  return count;
}

std::string shape_text(const RowMajorArray::Shape& shape) {
  std::string text = "(";
  for (std::size_t axis = 0; axis < shape.size(); ++axis)
    text += (axis ? ", " : "") + std::to_string(shape[axis]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

RowMajorArray::RowMajorArray() : RowMajorArray(DType::of<float>(), {0}) {}

RowMajorArray::RowMajorArray(DType dtype, Shape shape)
    : RowMajorArray(dtype, shape, std::vector<std::uint8_t>(element_count(shape) * dtype.itemsize)) {}

RowMajorArray::RowMajorArray(DType dtype, Shape shape, std::vector<std::uint8_t> bytes)
    : dtype_(dtype), shape_(std::move(shape)), bytes_(std::move(bytes)) {
  if (!is_supported(dtype_))
    throw std::invalid_argument("unsupported numpy dtype '" + dtype_.name() + "'");
  check_byte_count(dtype_, shape_, bytes_.size());
}

RowMajorArray RowMajorArray::from_stored(const StoredDType& stored, Shape shape, bool fortran_order,
                             std::string_view raw) {
  check_byte_count(stored.dtype, shape, raw.size());
  std::vector<std::uint8_t> bytes(raw.begin(), raw.end());
  if (stored.big_endian == host_is_little_endian()) swap_byte_order(bytes, stored.dtype);
  if (fortran_order && shape.size() > 1)
    bytes = fortran_to_c_order(bytes, shape, stored.dtype.itemsize);
  return RowMajorArray(stored.dtype, std::move(shape), std::move(bytes));
}

template <class T>
RowMajorArray RowMajorArray::from_values(Shape shape, const std::vector<T>& values) {
  std::vector<std::uint8_t> bytes(values.size() * sizeof(T));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const T element = values[i];
    std::memcpy(bytes.data() + i * sizeof(T), &element, sizeof(T));
  }
  return RowMajorArray(DType::of<T>(), std::move(shape), std::move(bytes));
}

std::int64_t RowMajorArray::size() const {
  return element_count(shape_);
}

template <class T>
std::vector<T> RowMajorArray::values() const {
  std::vector<T> out;
  const int size = dtype_.itemsize;
  switch (dtype_.kind) {
    case DType::Kind::boolean:
    case DType::Kind::unsigned_int:
      if (size == 1) convert_elements<std::uint8_t>(bytes_, out);
      if (size == 2) convert_elements<std::uint16_t>(bytes_, out);
      if (size == 4) convert_elements<std::uint32_t>(bytes_, out);
      if (size == 8) convert_elements<std::uint64_t>(bytes_, out);
      break;
    case DType::Kind::signed_int:
      if (size == 1) convert_elements<std::int8_t>(bytes_, out);
      if (size == 2) convert_elements<std::int16_t>(bytes_, out);
      if (size == 4) convert_elements<std::int32_t>(bytes_, out);
      if (size == 8) convert_elements<std::int64_t>(bytes_, out);
      break;
    case DType::Kind::floating:
      if (size == 2) convert_elements<Half>(bytes_, out);
      if (size == 4) convert_elements<float>(bytes_, out);
      if (size == 8) convert_elements<double>(bytes_, out);
      break;
    case DType::Kind::complex:
      throw std::invalid_argument("cannot convert a complex " + describe() +
                                  " array to real values");
  }
  return out;
}

std::string RowMajorArray::describe() const {
  return shape_text(shape_) + " " + dtype_.name();
}

#define FMPIPE_NDARRAY_INSTANTIATE(T)                                     \
  template RowMajorArray RowMajorArray::from_values<T>(Shape, const std::vector<T>&); \
  template std::vector<T> RowMajorArray::values<T>() const;
FMPIPE_NDARRAY_INSTANTIATE(bool)
FMPIPE_NDARRAY_INSTANTIATE(std::uint8_t)
FMPIPE_NDARRAY_INSTANTIATE(std::int32_t)
FMPIPE_NDARRAY_INSTANTIATE(std::int64_t)
FMPIPE_NDARRAY_INSTANTIATE(float)
FMPIPE_NDARRAY_INSTANTIATE(double)
#undef FMPIPE_NDARRAY_INSTANTIATE

}  // namespace facemap
