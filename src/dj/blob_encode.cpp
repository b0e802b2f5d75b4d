// Encoding values into the blob wire format (see blob_format.hpp). The layouts follow the
// documented datajoint-python 2.x byte format, written here from that description.

#include <cstring>
#include <stdexcept>

#include "blob_format.hpp"

namespace dj::blob_format {
namespace {

class Encoder {
 public:
  explicit Encoder(std::string& out) : out_(out) {}

  /// Whether any encoding so far needs the "dj0" header.
  bool needs_dj0() const { return needs_dj0_; }

  void encode(const BlobValue& value) {
    std::visit([this](const auto& alternative) { encode_kind(alternative); }, value.storage());
  }

 private:
  template <class T>
  void put(T number) {
    out_.append(reinterpret_cast<const char*>(&number), sizeof number);
  }
  void put_raw(const void* data, std::size_t size) {
    out_.append(static_cast<const char*>(data), size);
  }
  // A Python-only encoding: its code byte, and the blob becomes "dj0".
  void start_python(char code) {
    needs_dj0_ = true;
    out_ += code;
  }
  void put_text(std::string_view text) {
    put<std::uint64_t>(text.size());
    out_.append(text);
  }
  void put_shape(const Shape& shape) {
    put<std::uint64_t>(shape.size());
    for (std::uint64_t extent : shape) put<std::uint64_t>(extent);
  }
  // u32 count, then the names joined and closed by NUL.
  void put_field_names(const std::vector<std::string>& names, const char* what) {
    if (names.empty())
      throw std::invalid_argument(std::string(what) +
                                  " without fields cannot be read back by DataJoint");
    put<std::uint32_t>(static_cast<std::uint32_t>(names.size()));
    for (const std::string& name : names) {
      if (name.empty() || name.find('\0') != std::string::npos)
        throw std::invalid_argument(std::string(what) + " field name '" + name +
                                    "' is empty or contains NUL");
      out_.append(name) += '\0';
    }
  }
  // u64 byte length, then the encoding; the length is patched in once known.
  void encode_prefixed(const BlobValue& value) {
    const std::size_t length_at = out_.size();
    put<std::uint64_t>(0);
    encode(value);
    const std::uint64_t length = out_.size() - length_at - sizeof(std::uint64_t);
    std::memcpy(out_.data() + length_at, &length, sizeof length);
  }
  void encode_all_prefixed(const std::vector<BlobValue>& values) {
    for (const BlobValue& value : values) encode_prefixed(value);
  }
  static void check_count(std::uint64_t have, std::uint64_t want, const std::string& what) {
    if (have != want)
      throw std::invalid_argument(what + " has " + std::to_string(have) +
                                  " values, its shape needs " + std::to_string(want));
  }

  void encode_kind(std::monostate) { start_python(code::none); }
  void encode_kind(bool value) {
    start_python(code::boolean);
    out_ += value ? '\x01' : '\x00';
  }
  // Python's int: n = bit_length // 8 + 1 bytes of little-endian two's complement, so that the
  // sign bit always fits; INT64_MIN therefore takes 9 bytes.
  void encode_kind(std::int64_t value) {
    start_python(code::integer);
    const std::uint64_t magnitude =
        value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    const int bit_length = magnitude == 0 ? 0 : 64 - __builtin_clzll(magnitude);
    const int byte_count = bit_length / 8 + 1;
    put<std::uint16_t>(static_cast<std::uint16_t>(byte_count));
    for (int i = 0; i < byte_count; ++i)
      out_ += static_cast<char>(i < 8 ? static_cast<std::uint64_t>(value) >> (8 * i)
                                      : (value < 0 ? 0xff : 0));
  }
  void encode_kind(double value) {
    start_python(code::floating);
    put(value);
  }
  void encode_kind(const std::complex<double>& value) {
    start_python(code::complex);
    put(value.real());
    put(value.imag());
  }
  void encode_kind(const std::string& text) {
    start_python(code::str);
    put_text(text);
  }
  void encode_kind(const BlobBytes& bytes) {
    start_python(code::bytes);
    put_text(bytes.data);
  }
  void encode_kind(const Decimal& decimal) {
    start_python(code::decimal);
    put_text(decimal.text);
  }
  void encode_kind(const DateTime& value) {
    value.validate();
    start_python(code::datetime);
    const auto& d = value.date;
    const auto& t = value.time;
    put<std::int32_t>(d ? (d->year * 100 + d->month) * 100 + d->day : -1);
    put<std::int64_t>(
        t ? ((t->hour * 100LL + t->minute) * 100 + t->second) * 1000000 + t->microsecond : -1);
  }
  void encode_kind(const Uuid& uuid) {
    start_python(code::uuid);
    put_raw(uuid.bytes.data(), uuid.bytes.size());
  }

  void encode_kind(const ColumnMajorArray& array) {
    out_ += code::array;
    put_shape(array.shape());
    const WireType wire = wire_type(array.dtype(), array.time_unit());
    put<std::uint32_t>(wire.class_id);
    put<std::uint32_t>(wire.is_complex ? 1 : 0);
    // mYm knows neither numpy scalars (0-d) nor datetime64; 0-d char arrays stay MATLAB's.
    if (array.dtype() == DType::datetime64 ||
        (array.ndim() == 0 && array.dtype() != DType::character))
      needs_dj0_ = true;
    if (wire.is_complex) {
      visit_storage_type(array.dtype(), [&](auto tag) { put_split_complex<decltype(tag)>(array); });
    } else {
      put_raw(array.bytes().data(), array.bytes().size());
    }
  }
  // The wire holds all real parts, then all imaginary parts.
  template <class Tag>
  void put_split_complex(const ColumnMajorArray& array) {
    using Element = typename Tag::type;
    if constexpr (detail::is_complex_v<Element>) {
      const Element* elements = array.data<Element>();
      const std::uint64_t n = array.size();
      for (std::uint64_t i = 0; i < n; ++i) put(elements[i].real());
      for (std::uint64_t i = 0; i < n; ++i) put(elements[i].imag());
    }
  }
  void encode_kind(const ObjectArray& objects) {
    check_count(objects.elements.size(), element_count(objects.shape), "object array");
    start_python(code::array);
    put_shape(objects.shape);
    put<std::uint32_t>(object_class_id);
    put<std::uint32_t>(0);
    encode_all_prefixed(objects.elements);
  }
  void encode_kind(const CellArray& cells) {
    check_count(cells.elements.size(), element_count(cells.shape), "cell array");
    out_ += code::cell_array;
    put_shape(cells.shape);
    encode_all_prefixed(cells.elements);
  }
  void encode_kind(const StructArray& structs) {
    check_count(structs.values.size(), element_count(structs.shape) * structs.field_names.size(),
                "struct array");
    out_ += code::struct_array;
    put_shape(structs.shape);
    put_field_names(structs.field_names, "struct array");
    encode_all_prefixed(structs.values);
  }
  // Fields follow one another without length prefixes; each is an 'A' or nested 'F' encoding.
  void encode_kind(const RecordArray& records) {
    if (records.fields.size() != records.field_names.size())
      throw std::invalid_argument("record array has " + std::to_string(records.fields.size()) +
                                  " fields but " + std::to_string(records.field_names.size()) +
                                  " names");
    start_python(code::record_array);
    put_field_names(records.field_names, "record array");
    const Shape* common_shape = array_shape(records.fields.front());
    for (std::size_t i = 0; i < records.fields.size(); ++i) {
      const Shape* shape = array_shape(records.fields[i]);
      if (!shape || !common_shape || *shape != *common_shape)
        throw std::invalid_argument("record array field '" + records.field_names[i] +
                                    "' must be an array shaped like the first field, not " +
                                    records.fields[i].type_name());
      encode(records.fields[i]);
    }
  }
  template <SequenceKind Kind>
  void encode_kind(const BlobSequence<Kind>& sequence) {
    constexpr char codes[] = {code::tuple, code::list, code::set};
    start_python(codes[static_cast<int>(Kind)]);
    put<std::uint64_t>(sequence.items.size());
    encode_all_prefixed(sequence.items);
  }
  void encode_kind(const BlobDict& dict) {
    start_python(code::dict);
    put<std::uint64_t>(dict.items.size());
    for (const auto& [key, value] : dict.items) {
      encode_prefixed(key);
      encode_prefixed(value);
    }
  }

  std::string& out_;
  bool needs_dj0_ = false;
};

}  // namespace

bool encode_value(const BlobValue& value, std::string& out) {
  Encoder encoder(out);
  encoder.encode(value);
  return encoder.needs_dj0();
}

}  // namespace dj::blob_format
