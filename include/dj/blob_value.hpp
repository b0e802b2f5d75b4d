#pragma once
// What a DataJoint blob can hold: the Python and numpy values datajoint-python packs, and the
// MATLAB cell and struct arrays of the mYm format. dj/blob.hpp packs and unpacks them.
//
// Python type            C++ value
//   None                   BlobValue() (std::monostate)
//   bool, int, float       bool, std::int64_t (int64 range only), double
//   complex, str, bytes    std::complex<double>, std::string (UTF-8), BlobBytes
//   Decimal, UUID          Decimal (its text), Uuid
//   date / time / datetime DateTime
//   tuple, list, set       BlobTuple, BlobList, BlobSet (items in order)
//   dict                   BlobDict (key/value pairs in order; keys of any kind)
//   numpy array / scalar   ColumnMajorArray (0-d for numpy scalars), ObjectArray (dtype object or str)
//   numpy record array     RecordArray
//   MATLAB cell / struct   CellArray, StructArray

#include <array>
#include <complex>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "dj/column_major_array.hpp"

namespace dj {

class BlobValue;

/// Python bytes.
struct BlobBytes {
  std::string data;
  bool operator==(const BlobBytes& other) const { return data == other.data; }
};

/// Python decimal.Decimal, kept as its text ("1.50") so that no digit is lost.
struct Decimal {
  std::string text;
  bool operator==(const Decimal& other) const { return text == other.text; }
};

/// A calendar date.
struct Date {
  int year = 1970, month = 1, day = 1;
  bool operator==(const Date& o) const {
    return year == o.year && month == o.month && day == o.day;
  }
};

/// A time of day with microseconds.
struct TimeOfDay {
  int hour = 0, minute = 0, second = 0, microsecond = 0;
  bool operator==(const TimeOfDay& o) const {
    return hour == o.hour && minute == o.minute && second == o.second &&
           microsecond == o.microsecond;
  }
};

/// Python datetime.date (no time), datetime.time (no date) or datetime.datetime (both).
struct DateTime {
  std::optional<Date> date;
  std::optional<TimeOfDay> time;
  /// Throws std::invalid_argument naming the field when a part is out of Python's range
  /// (year 1..9999, a real day of the month, hour < 24, ...) or when both parts are absent.
  void validate() const;
  bool operator==(const DateTime& o) const { return date == o.date && time == o.time; }
};

/// A UUID, its 16 bytes in RFC 4122 (big-endian) order.
struct Uuid {
  std::array<std::uint8_t, 16> bytes{};
  /// Parses "12345678-1234-5678-1234-567812345678" (hyphens optional, any case); throws
  /// std::invalid_argument naming the text otherwise.
  static Uuid parse(std::string_view text);
  /// The canonical lower-case text with hyphens.
  std::string to_string() const;
  bool operator==(const Uuid& other) const { return bytes == other.bytes; }
};

/// Which Python sequence a BlobSequence is.
enum class SequenceKind { tuple, list, set };

/// A Python tuple, list or set: items in order (a set keeps the order it is given or read in).
template <SequenceKind Kind>
struct BlobSequence {
  std::vector<BlobValue> items;
  bool operator==(const BlobSequence& other) const;
};
using BlobTuple = BlobSequence<SequenceKind::tuple>;
using BlobList = BlobSequence<SequenceKind::list>;
using BlobSet = BlobSequence<SequenceKind::set>;

/// A Python dict: key/value pairs in insertion order; keys may be any value.
struct BlobDict {
  std::vector<std::pair<BlobValue, BlobValue>> items;
  /// The value of `key`; throws std::out_of_range naming the key when absent.
  const BlobValue& at(const BlobValue& key) const;
  bool operator==(const BlobDict& other) const;
};

/// Which kind of element grid a ValueArray is.
enum class GridKind { object, cell };

/// An n-d grid of arbitrary values, elements in column-major order: a numpy object array
/// (numpy str arrays are stored as object arrays of str) or a MATLAB cell array.
template <GridKind Kind>
struct ValueArray {
  Shape shape;
  std::vector<BlobValue> elements;
  bool operator==(const ValueArray& other) const;
};
using ObjectArray = ValueArray<GridKind::object>;
using CellArray = ValueArray<GridKind::cell>;

/// A MATLAB struct array: per element (column-major), one value per field.
struct StructArray {
  Shape shape;
  std::vector<std::string> field_names;
  /// Element-major: element e's field f is values[e * field_names.size() + f].
  std::vector<BlobValue> values;
  /// Element `element`'s value of `field`; throws std::out_of_range naming what is missing.
  const BlobValue& at(std::uint64_t element, std::string_view field) const;
  bool operator==(const StructArray& other) const;
};

/// A numpy record (structured) array: one array per field, all of the same shape.
struct RecordArray {
  std::vector<std::string> field_names;
  /// Per field: an ColumnMajorArray, ObjectArray or RecordArray.
  std::vector<BlobValue> fields;
  /// The array of `name`; throws std::out_of_range naming the field when absent.
  const BlobValue& field(std::string_view name) const;
  bool operator==(const RecordArray& other) const;
};

/// Any value a DataJoint blob holds.
class BlobValue {
 public:
  using Storage =
      std::variant<std::monostate, bool, std::int64_t, double, std::complex<double>, std::string,
                   BlobBytes, Decimal, DateTime, Uuid, ColumnMajorArray, ObjectArray, CellArray, StructArray,
                   RecordArray, BlobTuple, BlobList, BlobSet, BlobDict>;

  /// None.
  BlobValue() = default;
  BlobValue(std::nullptr_t) {}
  /// A Python bool.
  BlobValue(bool value) : storage_(value) {}
  /// A Python int. Throws std::out_of_range for unsigned values beyond int64.
  template <class Int,
            std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool>, int> = 0>
  BlobValue(Int value) : storage_(to_python_int(value)) {}
  /// A Python float.
  BlobValue(double value) : storage_(value) {}
  /// A Python str (UTF-8).
  BlobValue(const char* text) : storage_(std::string(text)) {}
  /// Any other alternative of Storage (std::string, ColumnMajorArray, BlobDict, ...).
  template <class T, class Plain = std::decay_t<T>,
            std::enable_if_t<std::is_class_v<Plain> && !std::is_same_v<Plain, BlobValue> &&
                                 std::is_constructible_v<Storage, T&&>,
                             int> = 0>
  BlobValue(T&& value) : storage_(std::forward<T>(value)) {}

  /// Whether the value is None.
  bool is_none() const { return std::holds_alternative<std::monostate>(storage_); }
  /// Whether the value holds a T (one of Storage's alternatives).
  template <class T>
  bool is() const {
    return std::holds_alternative<T>(storage_);
  }
  /// The value as T; throws std::invalid_argument naming both kinds on a mismatch.
  template <class T>
  const T& as() const;
  template <class T>
  T& as();
  /// The underlying variant, for std::visit.
  const Storage& storage() const { return storage_; }

  /// Python's name of the kind held: "None", "int", "list", "float32 array of shape (3,)", ...
  std::string type_name() const;
  /// Deep equality; arrays compare dtype, shape and element bytes (so NaN equals itself).
  bool operator==(const BlobValue& other) const { return storage_ == other.storage_; }
  bool operator!=(const BlobValue& other) const { return !(*this == other); }

 private:
  template <class Int>
  static std::int64_t to_python_int(Int value) {
    if constexpr (std::is_unsigned_v<Int> && sizeof(Int) >= sizeof(std::int64_t)) {
      if (value > static_cast<std::uint64_t>(INT64_MAX)) throw_int_range(value);
    }
    return static_cast<std::int64_t>(value);
  }
  [[noreturn]] static void throw_int_range(std::uint64_t value);
  [[noreturn]] void throw_kind_mismatch(std::size_t wanted_index) const;

  Storage storage_;
};

namespace detail {
/// The index of T among the alternatives of a std::variant.
template <class T, class Variant>
struct AlternativeIndex;
template <class T, class... Alternatives>
struct AlternativeIndex<T, std::variant<Alternatives...>> {
  static constexpr std::size_t value = [] {
    std::size_t index = 0;
    bool found = false;
    ((found = found || std::is_same_v<T, Alternatives>, index += found ? 0 : 1), ...);
    return index;
  }();
};
}  // namespace detail

template <class T>
const T& BlobValue::as() const {
  if (const T* value = std::get_if<T>(&storage_)) return *value;
  throw_kind_mismatch(detail::AlternativeIndex<T, Storage>::value);
}

template <class T>
T& BlobValue::as() {
  if (T* value = std::get_if<T>(&storage_)) return *value;
  throw_kind_mismatch(detail::AlternativeIndex<T, Storage>::value);
}

template <SequenceKind Kind>
bool BlobSequence<Kind>::operator==(const BlobSequence& other) const {
  return items == other.items;
}

template <GridKind Kind>
bool ValueArray<Kind>::operator==(const ValueArray& other) const {
  return shape == other.shape && elements == other.elements;
}

}  // namespace dj
