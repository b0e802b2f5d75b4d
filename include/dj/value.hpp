#pragma once
// Attribute values and rows, as inserted and fetched.
//
// A Value is null, a bool, an integer, a floating-point number, text (also used for decimal,
// enum, date "YYYY-MM-DD", datetime "YYYY-MM-DD HH:MM:SS[.ffffff]", time and uuid values, in
// PostgreSQL's canonical text), JSON, a DataJoint blob (kept packed; decode with dj/blob.hpp),
// an attachment (file name + contents) or raw bytes.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace dj {

/// Serialized DataJoint blob bytes (what a <blob> column stores).
struct Blob {
  std::string packed;
  bool operator==(const Blob& other) const { return packed == other.packed; }
};

/// An <attach> value: the file's base name and contents.
struct Attachment {
  std::string filename;
  std::string contents;
  bool operator==(const Attachment& other) const {
    return filename == other.filename && contents == other.contents;
  }
};

/// Raw bytes of a `bytes` column.
struct Bytes {
  std::string data;
  bool operator==(const Bytes& other) const { return data == other.data; }
};

/// One attribute value.
class Value {
 public:
  using Storage = std::variant<std::monostate, bool, std::int64_t, double, std::string,
                               nlohmann::json, Blob, Attachment, Bytes>;

  Value() = default;  ///< null
  Value(std::nullptr_t) {}
  Value(bool v) : storage_(v) {}
  Value(int v) : storage_(std::int64_t{v}) {}
  Value(long v) : storage_(std::int64_t{v}) {}
  Value(long long v) : storage_(static_cast<std::int64_t>(v)) {}
  Value(unsigned v) : storage_(std::int64_t{v}) {}
  Value(float v) : storage_(double{v}) {}
  Value(double v) : storage_(v) {}
  Value(const char* v) : storage_(std::string(v)) {}
  Value(std::string v) : storage_(std::move(v)) {}
  Value(nlohmann::json v) : storage_(std::move(v)) {}
  Value(Blob v) : storage_(std::move(v)) {}
  Value(Attachment v) : storage_(std::move(v)) {}
  Value(Bytes v) : storage_(std::move(v)) {}

  bool is_null() const { return std::holds_alternative<std::monostate>(storage_); }
  /// The value as T; throws std::bad_variant_access naming nothing, so prefer Row::get.
  template <typename T>
  const T& as() const {
    return std::get<T>(storage_);
  }
  template <typename T>
  bool holds() const {
    return std::holds_alternative<T>(storage_);
  }
  const Storage& storage() const { return storage_; }
  bool operator==(const Value& other) const { return storage_ == other.storage_; }
  bool operator!=(const Value& other) const { return !(*this == other); }
  /// Text for messages ("NULL", numbers, quoted text, "<blob 123 bytes>").
  std::string to_display() const;

 private:
  Storage storage_;
};

/// Attribute names and values in order. Used both for inserting and for fetched rows.
class Row {
 public:
  Row() = default;
  Row(std::initializer_list<std::pair<std::string, Value>> items);
  Row(std::shared_ptr<const std::vector<std::string>> names, std::vector<Value> values);

  /// Sets (or replaces) an attribute's value.
  Row& set(const std::string& name, Value value);
  bool has(const std::string& name) const { return index_of(name) >= 0; }
  /// Throws std::out_of_range naming the attribute when absent.
  const Value& operator[](const std::string& name) const;
  /// The value converted to T: int64_t / int / double / float / bool / std::string /
  /// nlohmann::json / Blob / Attachment / Bytes. Throws naming the attribute on null or mismatch.
  template <typename T>
  T get(const std::string& name) const;
  bool is_null(const std::string& name) const { return (*this)[name].is_null(); }

  const std::vector<std::string>& names() const { return *names_; }
  const std::vector<Value>& values() const { return values_; }
  size_t size() const { return values_.size(); }
  /// Only the named attributes, in that order (absent ones are left out).
  Row project(const std::vector<std::string>& names) const;
  bool operator==(const Row& other) const {
    return names() == other.names() && values_ == other.values_;
  }
  /// "{subject: 'm1', session_id: 3}" for messages.
  std::string to_display() const;

 private:
  int index_of(const std::string& name) const;
  std::shared_ptr<const std::vector<std::string>> names_ =
      std::make_shared<const std::vector<std::string>>();
  std::vector<Value> values_;
};

template <>
std::int64_t Row::get<std::int64_t>(const std::string&) const;
template <>
int Row::get<int>(const std::string&) const;
template <>
double Row::get<double>(const std::string&) const;
template <>
float Row::get<float>(const std::string&) const;
template <>
bool Row::get<bool>(const std::string&) const;
template <>
std::string Row::get<std::string>(const std::string&) const;
template <>
nlohmann::json Row::get<nlohmann::json>(const std::string&) const;
template <>
Blob Row::get<Blob>(const std::string&) const;
template <>
Attachment Row::get<Attachment>(const std::string&) const;
template <>
Bytes Row::get<Bytes>(const std::string&) const;

}  // namespace dj
