// Arrays as .npy files (dj/npy_codec.hpp).

#include "dj/npy_codec.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <stdexcept>

#include "npy/npy_file.hpp"

namespace dj {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the .npy descr written here assumes a little-endian machine");

// numpy's kind letter of each dtype, in DType order ('\0' where numpy has none).
constexpr std::array<char, 15> kKindLetters = {'b', 'i', 'u', 'i', 'u', 'i', 'u', 'i',
                                               'u', 'f', 'f', 'c', 'c', '\0', 'M'};
constexpr std::array<std::string_view, 13> kUnitNames = {"Y",  "M",  "W",  "D",  "h",  "m", "s",
                                                         "ms", "us", "ns", "ps", "fs", "as"};

struct ParsedDescr {
  DType dtype;
  TimeUnit unit = TimeUnit::second;
  bool swap_bytes = false;
};

ParsedDescr parse_descr(const std::string& descr) {
  const auto fail = [&](const std::string& reason) {
    return std::invalid_argument("dtype '" + descr + "' " + reason);
  };
  std::string_view text = descr;
  bool big_endian = false;
  if (!text.empty() && std::string_view("<>|=").find(text.front()) != std::string_view::npos) {
    big_endian = text.front() == '>';
    text.remove_prefix(1);
  }
  if (text.size() < 2) throw fail("is not a numpy dtype");
  const char kind = text.front();
  std::string_view rest = text.substr(1);
  ParsedDescr parsed{DType::float64};
  if (kind == 'M') {  // datetime64: "M8[unit]"
    const auto open = rest.find('['), close = rest.find(']');
    if (rest.substr(0, open) != "8" || open == std::string_view::npos || close != rest.size() - 1)
      throw fail("is not a datetime64 dtype with a unit");
    const std::string_view unit = rest.substr(open + 1, close - open - 1);
    const auto found = std::find(kUnitNames.begin(), kUnitNames.end(), unit);
    if (found == kUnitNames.end()) throw fail("has an unknown datetime64 unit");
    parsed.dtype = DType::datetime64;
    parsed.unit = static_cast<TimeUnit>(found - kUnitNames.begin());
  } else {
    std::size_t size = 0;
    for (const char c : rest) {
      if (c < '0' || c > '9') throw fail("is not a numeric numpy dtype");
      size = size * 10 + static_cast<std::size_t>(c - '0');
    }
    bool found = false;
    for (std::size_t i = 0; i < kKindLetters.size() && !found; ++i) {
      const auto dtype = static_cast<DType>(i);
      if (kKindLetters[i] == kind && dtype != DType::datetime64 && element_size(dtype) == size) {
        parsed.dtype = dtype;
        found = true;
      }
    }
    if (!found) throw fail("is not one a blob array can hold (bool, integers, floats, complex)");
  }
  parsed.swap_bytes = big_endian && element_size(parsed.dtype) > 1;
  return parsed;
}

// Reverses the bytes of each element (each half of a complex element).
void swap_byte_order(std::vector<std::byte>& bytes, DType dtype) {
  const bool complex = dtype == DType::complex64 || dtype == DType::complex128;
  const std::size_t width = element_size(dtype) / (complex ? 2 : 1);
  for (std::size_t at = 0; at + width <= bytes.size(); at += width)
    std::reverse(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                 bytes.begin() + static_cast<std::ptrdiff_t>(at + width));
}

}  // namespace

std::string numpy_descr(DType dtype, TimeUnit unit) {
  const char kind = kKindLetters.at(static_cast<std::size_t>(dtype));
  if (kind == '\0')
    throw std::invalid_argument("numpy has no dtype for " + dtype_name(dtype) + " arrays");
  const std::size_t size = element_size(dtype);
  std::string descr = std::string(size == 1 ? "|" : "<") + kind + std::to_string(size);
  if (dtype == DType::datetime64) descr += "[" + std::string(kUnitNames.at(static_cast<int>(unit))) + "]";
  return descr;
}

std::string to_npy(const ColumnMajorArray& array) {
  // numpy writes fortran_order True only for arrays that are not also C-contiguous, which
  // arrays of fewer than two dimensions always are.
  const bool fortran_order = array.ndim() >= 2;
  const std::vector<std::byte> c_order = fortran_order ? std::vector<std::byte>() : array.c_order_bytes();
  const std::vector<std::byte>& elements = fortran_order ? array.bytes() : c_order;
  const npy::Header header{numpy_descr(array.dtype(), array.time_unit()), fortran_order,
                           std::vector<std::int64_t>(array.shape().begin(), array.shape().end())};
  return npy::join(header, std::string_view(reinterpret_cast<const char*>(elements.data()),
                                            elements.size()));
}

ColumnMajorArray from_npy(std::string_view bytes, const std::string& where) {
  try {
    const npy::File file = npy::split(bytes);
    if (file.header.descr == "|O")
      throw std::invalid_argument("holds Python objects (dtype object), not an array of numbers");
    const ParsedDescr parsed = parse_descr(file.header.descr);
    const Shape shape(file.header.shape.begin(), file.header.shape.end());
    const std::size_t needed = element_count(shape) * element_size(parsed.dtype);
    if (file.data.size() < needed)
      throw std::invalid_argument("truncated data: a " + npy::shape_text(file.header.shape) + " " +
                                  file.header.descr + " array needs " + std::to_string(needed) +
                                  " bytes, the file has " + std::to_string(file.data.size()));
    std::vector<std::byte> elements(needed);
    std::memcpy(elements.data(), file.data.data(), needed);
    if (parsed.swap_bytes) swap_byte_order(elements, parsed.dtype);
    if (!file.header.fortran_order)
      return ColumnMajorArray::from_c_order(parsed.dtype, shape, elements, parsed.unit);
    ColumnMajorArray array(parsed.dtype, shape, parsed.unit);
    array.bytes() = std::move(elements);
    return array;
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(where + ": " + error.what());
  }
}

}  // namespace dj
