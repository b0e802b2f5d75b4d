// Decoding the blob wire format (see blob_format.hpp). Every read is bounds-checked, and counts
// are checked against the bytes left before anything is allocated, so that corrupt input fails
// with a message naming the offset instead of exhausting memory.

#include <cstring>

#include "blob_format.hpp"
#include "dj/blob.hpp"

namespace dj::blob_format {
namespace {

// Python's unpacker recurses too and stops far below this.
constexpr int max_nesting = 500;

class Decoder {
 public:
  Decoder(std::string_view blob, std::size_t offset, const std::string& blob_name)
      : blob_(blob), pos_(offset), blob_name_(blob_name) {}

  /// The value that fills the rest of the blob.
  BlobValue decode_to_end() {
    BlobValue value = decode(0);
    if (pos_ != blob_.size())
      fail(pos_, std::to_string(blob_.size() - pos_) + " bytes follow the end of the value");
    return value;
  }

 private:
  [[noreturn]] void fail(std::size_t offset, const std::string& problem) const {
    throw BlobFormatError(blob_name_ + " (" + std::to_string(blob_.size()) + " bytes), offset " +
                          std::to_string(offset) + ": " + problem);
  }
  std::size_t left() const { return blob_.size() - pos_; }
  void need(std::uint64_t size, const char* what) const {
    if (size > left())
      fail(pos_, std::string("truncated: expected ") + what + " (" + std::to_string(size) +
                     " bytes), " + std::to_string(left()) + " left");
  }
  template <class T>
  T take(const char* what) {
    need(sizeof(T), what);
    T value;
    std::memcpy(&value, blob_.data() + pos_, sizeof value);
    pos_ += sizeof value;
    return value;
  }
  std::string_view take_bytes(std::uint64_t size, const char* what) {
    need(size, what);
    const std::string_view bytes = blob_.substr(pos_, size);
    pos_ += size;
    return bytes;
  }
  std::string take_text(const char* what) {
    const auto size = take<std::uint64_t>(what);
    return std::string(take_bytes(size, what));
  }
  // A count of items that each take at least `min_item_bytes`, checked against the bytes left.
  std::uint64_t take_count(std::uint64_t min_item_bytes, const char* what) {
    const std::size_t at = pos_;
    const auto count = take<std::uint64_t>(what);
    if (count > left() / min_item_bytes)
      fail(at, std::string(what) + " " + std::to_string(count) + " cannot fit in the " +
                   std::to_string(left()) + " bytes left");
    return count;
  }
  Shape take_shape() {
    const std::uint64_t ndim = take_count(sizeof(std::uint64_t), "number of dimensions");
    Shape shape(ndim);
    for (std::uint64_t& extent : shape) extent = take<std::uint64_t>("dimension extent");
    return shape;
  }
  std::uint64_t elements_of(const Shape& shape, std::size_t shape_at) const {
    try {
      return element_count(shape);
    } catch (const std::overflow_error&) {
      fail(shape_at, "shape " + format_shape(shape) + " has more than 2^64 elements");
    }
  }
  std::vector<std::string> take_field_names() {
    const auto count = take<std::uint32_t>("number of fields");
    std::vector<std::string> names;
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::size_t end = blob_.find('\0', pos_);
      if (end == std::string_view::npos) fail(pos_, "field name without its closing NUL");
      names.emplace_back(blob_.substr(pos_, end - pos_));
      pos_ = end + 1;
    }
    return names;
  }
  // u64 byte length, then one encoding that must take exactly that length.
  BlobValue decode_prefixed(int depth) {
    const auto length = take<std::uint64_t>("length of a nested value");
    need(length, "a nested value");
    const std::size_t start = pos_;
    BlobValue value = decode(depth);
    if (pos_ - start != length)
      fail(start, "the nested value takes " + std::to_string(pos_ - start) +
                      " bytes, its length prefix says " + std::to_string(length));
    return value;
  }
  std::vector<BlobValue> decode_prefixed_values(std::uint64_t count, int depth) {
    // Each prefixed value takes at least 9 bytes (length and code), so `count` is bounded.
    if (count > left() / 9) fail(pos_, std::to_string(count) + " values cannot fit");
    std::vector<BlobValue> values;
    values.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) values.push_back(decode_prefixed(depth));
    return values;
  }

  BlobValue decode(int depth) {
    if (depth > max_nesting)
      fail(pos_, "values nested deeper than " + std::to_string(max_nesting) + " levels");
    const std::size_t at = pos_;
    const char type_code = take<char>("a type code");
    switch (type_code) {
      case code::array:
        return decode_array(depth + 1);
      case code::struct_array:
        return decode_struct(depth + 1);
      case code::cell_array:
        return decode_cells(depth + 1);
      case code::record_array:
        return decode_records(depth + 1);
      case code::tuple:
        return BlobTuple{decode_sequence(depth + 1)};
      case code::list:
        return BlobList{decode_sequence(depth + 1)};
      case code::set:
        return BlobSet{decode_sequence(depth + 1)};
      case code::dict:
        return decode_dict(depth + 1);
      case code::str:
        return take_text("str");
      case code::bytes:
        return BlobBytes{take_text("bytes")};
      case code::integer:
        return decode_int();
      case code::boolean:
        return take<std::uint8_t>("bool") != 0;
      case code::complex: {
        const auto real = take<double>("complex real part");
        return std::complex<double>(real, take<double>("complex imaginary part"));
      }
      case code::floating:
        return take<double>("float");
      case code::decimal:
        return Decimal{take_text("Decimal")};
      case code::datetime:
        return decode_datetime();
      case code::uuid: {
        Uuid uuid;
        std::memcpy(uuid.bytes.data(), take_bytes(16, "UUID").data(), 16);
        return uuid;
      }
      case code::none:
        return BlobValue();
      case code::sparse:
        fail(at, "MATLAB sparse arrays are not supported");
      default: {
        static constexpr char hex[] = "0123456789abcdef";
        const auto byte = static_cast<unsigned char>(type_code);
        fail(at, std::string("unknown type code 0x") + hex[byte >> 4] + hex[byte & 15]);
      }
    }
  }

  BlobValue decode_int() {
    const std::size_t at = pos_;
    const auto size = take<std::uint16_t>("int size");
    const std::string_view bytes = take_bytes(size, "int bytes");
    // Little-endian two's complement of any length: bytes beyond the 8th must only extend the
    // sign, or the value is outside int64.
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < size && i < 8; ++i)
      bits |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
    const bool negative = size > 0 && (static_cast<unsigned char>(bytes[size - 1]) & 0x80);
    if (size < 8 && negative) bits |= ~std::uint64_t{0} << (8 * size);
    const auto value = static_cast<std::int64_t>(bits);
    for (std::size_t i = 8; i < size; ++i)
      if (static_cast<unsigned char>(bytes[i]) != (value < 0 ? 0xff : 0))
        fail(at, "Python int of " + std::to_string(size) + " bytes is outside the int64 range");
    return value;
  }

  BlobValue decode_datetime() {
    const std::size_t at = pos_;
    const auto date = take<std::int32_t>("datetime date");
    const auto time = take<std::int64_t>("datetime time");
    DateTime value;
    // Negative parts are absent; each field is two decimal digits, as Python decodes them.
    if (date >= 0) value.date = Date{date / 10000, (date / 100) % 100, date % 100};
    if (time >= 0)
      value.time = TimeOfDay{
          static_cast<int>((time / 10000000000) % 100), static_cast<int>((time / 100000000) % 100),
          static_cast<int>((time / 1000000) % 100), static_cast<int>(time % 1000000)};
    try {
      value.validate();
    } catch (const std::invalid_argument& e) {
      fail(at, e.what());
    }
    return value;
  }

  BlobValue decode_array(int depth) {
    const std::size_t shape_at = pos_;
    Shape shape = take_shape();
    const std::uint64_t count = elements_of(shape, shape_at);
    const std::size_t type_at = pos_;
    WireType wire{};
    wire.class_id = take<std::uint32_t>("array class id");
    wire.is_complex = take<std::uint32_t>("array complex flag") != 0;
    if (wire.class_id == object_class_id)
      return ObjectArray{std::move(shape), decode_prefixed_values(count, depth)};
    const auto dtype = dtype_of_wire(wire);
    if (!dtype)
      fail(type_at, "unsupported array class id " + std::to_string(wire.class_id) +
                        (wire.is_complex ? " (complex)" : ""));
    std::uint64_t byte_count = 0;
    if (__builtin_mul_overflow(count, element_size(dtype->first), &byte_count))
      fail(shape_at, "array of shape " + format_shape(shape) + " is too large");
    need(byte_count, "array data");
    ColumnMajorArray array(dtype->first, std::move(shape), dtype->second);
    const char* data = blob_.data() + pos_;
    if (wire.is_complex) {
      visit_storage_type(array.dtype(),
                         [&](auto tag) { join_complex<decltype(tag)>(data, array); });
    } else if (byte_count > 0) {  // an empty array's buffer may be null, which memcpy forbids
      std::memcpy(array.bytes().data(), data, byte_count);
    }
    if (array.dtype() == DType::boolean)  // any non-zero byte is true, as in numpy
      for (std::byte& b : array.bytes()) b = std::byte{b != std::byte{0}};
    pos_ += array.bytes().size();
    return array;
  }
  // The wire holds all real parts, then all imaginary parts.
  template <class Tag>
  static void join_complex(const char* data, ColumnMajorArray& array) {
    using Element = typename Tag::type;
    if constexpr (detail::is_complex_v<Element>) {
      using Part = typename Element::value_type;
      const std::uint64_t n = array.size();
      Element* elements = array.data<Element>();
      for (std::uint64_t i = 0; i < n; ++i) {
        Part real, imag;
        std::memcpy(&real, data + i * sizeof(Part), sizeof(Part));
        std::memcpy(&imag, data + (n + i) * sizeof(Part), sizeof(Part));
        elements[i] = Element(real, imag);
      }
    }
  }

  BlobValue decode_struct(int depth) {
    const std::size_t shape_at = pos_;
    StructArray structs;
    structs.shape = take_shape();
    const std::uint64_t count = elements_of(structs.shape, shape_at);
    structs.field_names = take_field_names();
    // Python reads nothing more for a struct without fields.
    if (!structs.field_names.empty()) {
      std::uint64_t value_count = 0;
      if (__builtin_mul_overflow(count, structs.field_names.size(), &value_count))
        fail(shape_at, "struct array is too large");
      structs.values = decode_prefixed_values(value_count, depth);
    }
    return structs;
  }

  BlobValue decode_cells(int depth) {
    const std::size_t shape_at = pos_;
    CellArray cells;
    cells.shape = take_shape();
    cells.elements = decode_prefixed_values(elements_of(cells.shape, shape_at), depth);
    return cells;
  }

  BlobValue decode_records(int depth) {
    RecordArray records;
    records.field_names = take_field_names();
    for (const std::string& name : records.field_names) {
      const std::size_t at = pos_;
      records.fields.push_back(decode(depth));
      const Shape* shape = array_shape(records.fields.back());
      if (!shape || *shape != *array_shape(records.fields.front()))
        fail(at, "record array field '" + name + "' is " + records.fields.back().type_name() +
                     ", not an array shaped like the first field");
    }
    return records;
  }

  std::vector<BlobValue> decode_sequence(int depth) {
    return decode_prefixed_values(take<std::uint64_t>("number of items"), depth);
  }

  BlobValue decode_dict(int depth) {
    BlobDict dict;
    const std::uint64_t count = take_count(18, "number of dict items");
    dict.items.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
      BlobValue key = decode_prefixed(depth);
      dict.items.emplace_back(std::move(key), decode_prefixed(depth));
    }
    return dict;
  }

  std::string_view blob_;
  std::size_t pos_;
  const std::string& blob_name_;
};

}  // namespace

BlobValue decode_value(std::string_view blob, std::size_t offset, const std::string& blob_name) {
  return Decoder(blob, offset, blob_name).decode_to_end();
}

}  // namespace dj::blob_format
