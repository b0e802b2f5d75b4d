#include "dj/blob_value.hpp"

#include <stdexcept>

namespace dj {
namespace {

// Python's names of the kinds, in the order of BlobValue::Storage's alternatives.
constexpr std::array<const char*, 19> kind_names = {
    "None",         "bool",     "int",  "float",       "complex",      "str",        "bytes",
    "Decimal",      "datetime", "UUID", "numpy array", "object array", "cell array", "struct array",
    "record array", "tuple",    "list", "set",         "dict"};
static_assert(kind_names.size() == std::variant_size_v<BlobValue::Storage>);

void check_range(const char* field, int value, int low, int high) {
  if (value < low || value > high)
    throw std::invalid_argument("datetime " + std::string(field) + " " + std::to_string(value) +
                                " is outside " + std::to_string(low) + ".." + std::to_string(high));
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days.at(month - 1);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of field `name`: items[offset + position of `name` in `names`]; throws
// std::out_of_range naming `what` when there is no such field.
const BlobValue& named_item(const std::vector<std::string>& names,
                            const std::vector<BlobValue>& items, std::size_t offset,
                            std::string_view name, const std::string& what) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return items.at(offset + i);
  throw std::out_of_range(what + " has no field '" + std::string(name) + "'");
}

}  // namespace

void DateTime::validate() const {
  if (!date && !time) throw std::invalid_argument("a datetime needs a date, a time or both");
  if (date) {
    check_range("year", date->year, 1, 9999);
    check_range("month", date->month, 1, 12);
    check_range("day", date->day, 1, days_in_month(date->year, date->month));
  }
  if (time) {
    check_range("hour", time->hour, 0, 23);
    check_range("minute", time->minute, 0, 59);
    check_range("second", time->second, 0, 59);
    check_range("microsecond", time->microsecond, 0, 999999);
  }
}

Uuid Uuid::parse(std::string_view text) {
  Uuid uuid;
  std::size_t digits = 0;
  for (char c : text) {
    if (c == '-') continue;
    const int value = hex_digit(c);
    if (value < 0 || digits == 32) {
      digits = 0;  // marks the text as invalid
      break;
    }
    uuid.bytes[digits / 2] = static_cast<std::uint8_t>(uuid.bytes[digits / 2] * 16 + value);
    ++digits;
  }
  if (digits != 32) throw std::invalid_argument("'" + std::string(text) + "' is not a UUID");
  return uuid;
}

std::string Uuid::to_string() const {
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += hex[bytes[i] >> 4];
    text += hex[bytes[i] & 15];
  }
  return text;
}

const BlobValue& BlobDict::at(const BlobValue& key) const {
  for (const auto& [k, value] : items)
    if (k == key) return value;
  const std::string shown = key.is<std::string>() ? "'" + key.as<std::string>() + "'" : "given";
  throw std::out_of_range("dict has no " + shown + " key (" + key.type_name() + ")");
}

bool BlobDict::operator==(const BlobDict& other) const {
  return items == other.items;
}

const BlobValue& StructArray::at(std::uint64_t element, std::string_view field) const {
  const std::uint64_t count = field_names.empty() ? 0 : values.size() / field_names.size();
  if (element >= count)
    throw std::out_of_range("struct array of shape " + format_shape(shape) + " has no element " +
                            std::to_string(element));
  return named_item(field_names, values, element * field_names.size(), field, "struct array");
}

bool StructArray::operator==(const StructArray& other) const {
  return shape == other.shape && field_names == other.field_names && values == other.values;
}

const BlobValue& RecordArray::field(std::string_view name) const {
  return named_item(field_names, fields, 0, name, "record array");
}

bool RecordArray::operator==(const RecordArray& other) const {
  return field_names == other.field_names && fields == other.fields;
}

std::string BlobValue::type_name() const {
  if (const auto* array = std::get_if<ColumnMajorArray>(&storage_)) return array->describe();
  return kind_names.at(storage_.index());
}

void BlobValue::throw_int_range(std::uint64_t value) {
  throw std::out_of_range("blob values hold Python ints in the int64 range; " +
                          std::to_string(value) + " is beyond it (use a uint64 ColumnMajorArray)");
}

void BlobValue::throw_kind_mismatch(std::size_t wanted_index) const {
  throw std::invalid_argument("blob value is " + type_name() + ", not " +
                              kind_names.at(wanted_index));
}

}  // namespace dj
