#include "facemap/io/pickle_value.hpp"

#include <stdexcept>

namespace facemap::pickle {

Value Value::boolean(bool value) {
  return Value(Variant(value));
}
Value Value::integer(std::int64_t value) {
  return Value(Variant(value));
}
Value Value::real(double value) {
  return Value(Variant(value));
}
Value Value::str(std::string utf8) {
  return Value(Variant(Str{std::move(utf8)}));
}
Value Value::bytes(std::string data) {
  return Value(Variant(Bytes{std::move(data)}));
}
Value Value::list(Items items) {
  return Value(Variant(std::make_shared<List>(List{std::move(items)})));
}
Value Value::tuple(Items items) {
  return Value(Variant(std::make_shared<Tuple>(Tuple{std::move(items)})));
}
Value Value::dict(Dict dict) {
  return Value(Variant(std::make_shared<Dict>(std::move(dict))));
}
Value Value::ndarray(RowMajorArray array) {
  return Value(Variant(std::make_shared<const RowMajorArray>(std::move(array))));
}
Value Value::object(Object object) {
  return Value(Variant(std::make_shared<Object>(std::move(object))));
}
Value Value::global(Global reference) {
  return Value(Variant(std::move(reference)));
}

Value::Kind Value::kind() const {
  return static_cast<Kind>(variant_.index());
}

std::string Value::kind_name() const {
  switch (kind()) {
    case Kind::none:
      return "NoneType";
    case Kind::boolean:
      return "bool";
    case Kind::integer:
      return "int";
    case Kind::real:
      return "float";
    case Kind::str:
      return "str";
    case Kind::bytes:
      return "bytes";
    case Kind::list:
      return "list";
    case Kind::tuple:
      return "tuple";
    case Kind::dict:
      return "dict";
    case Kind::ndarray:
      return "numpy.ndarray " + as_ndarray().describe();
    case Kind::object:
      return as_object().callable.qualified() + " object";
    case Kind::global:
      return "reference to " + as_global().qualified();
  }
  return "?";
}

void Value::mismatch(const char* expected) const {
  throw std::invalid_argument(std::string("expected ") + expected + ", got " + kind_name());
}

bool Value::as_bool() const {
  if (const auto* value = std::get_if<bool>(&variant_)) return *value;
  mismatch("bool");
}

std::int64_t Value::as_int() const {
  if (const auto* value = std::get_if<std::int64_t>(&variant_)) return *value;
  if (const auto* value = std::get_if<bool>(&variant_)) return *value;
  mismatch("int");
}

double Value::as_double() const {
  if (const auto* value = std::get_if<double>(&variant_)) return *value;
  if (kind() == Kind::integer || kind() == Kind::boolean) return static_cast<double>(as_int());
  mismatch("float");
}

const std::string& Value::as_str() const {
  if (const auto* value = std::get_if<Str>(&variant_)) return value->text;
  mismatch("str");
}

const std::string& Value::as_bytes() const {
  if (const auto* value = std::get_if<Bytes>(&variant_)) return value->data;
  mismatch("bytes");
}

const Items& Value::as_list() const {
  if (const auto* value = std::get_if<std::shared_ptr<List>>(&variant_)) return (*value)->items;
  mismatch("list");
}

const Items& Value::as_tuple() const {
  if (const auto* value = std::get_if<std::shared_ptr<Tuple>>(&variant_)) return (*value)->items;
  mismatch("tuple");
}

const Items& Value::items() const {
  return const_cast<Value*>(this)->mutable_items();
}

Items& Value::mutable_items() {
  if (auto* value = std::get_if<std::shared_ptr<List>>(&variant_)) return (*value)->items;
  if (auto* value = std::get_if<std::shared_ptr<Tuple>>(&variant_)) return (*value)->items;
  mismatch("list or tuple");
}

const Dict& Value::as_dict() const {
  return const_cast<Value*>(this)->mutable_dict();
}

Dict& Value::mutable_dict() {
  if (auto* value = std::get_if<std::shared_ptr<Dict>>(&variant_)) return **value;
  mismatch("dict");
}

const RowMajorArray& Value::as_ndarray() const {
  if (const auto* value = std::get_if<std::shared_ptr<const RowMajorArray>>(&variant_)) return **value;
  mismatch("numpy.ndarray");
}

const Object& Value::as_object() const {
  return const_cast<Value*>(this)->mutable_object();
}

Object& Value::mutable_object() {
  if (auto* value = std::get_if<std::shared_ptr<Object>>(&variant_)) return **value;
  mismatch("object");
}

const Global& Value::as_global() const {
  if (const auto* value = std::get_if<Global>(&variant_)) return *value;
  mismatch("class or function reference");
}

namespace {

template <class T>
struct IsSharedPointer : std::false_type {};
template <class T>
struct IsSharedPointer<std::shared_ptr<T>> : std::true_type {};

}  // namespace

bool Value::same_as(const Value& other) const {
  const auto address = [](const Variant& variant) {
    return std::visit(
        [](const auto& alternative) -> const void* {
          if constexpr (IsSharedPointer<std::decay_t<decltype(alternative)>>::value)
            return alternative.get();
          else
            return nullptr;
        },
        variant);
  };
  const void* mine = address(variant_);
  return mine != nullptr && mine == address(other.variant_);
}

namespace {

bool equal_dicts(const Dict& left, const Dict& right) {
  return left.entries() == right.entries() && left.attributes == right.attributes;
}

}  // namespace

bool Value::operator==(const Value& other) const {
  if (variant_.index() != other.variant_.index()) return false;
  switch (kind()) {
    case Kind::none:
      return true;
    case Kind::boolean:
      return as_bool() == other.as_bool();
    case Kind::integer:
      return as_int() == other.as_int();
    case Kind::real:
      return as_double() == other.as_double();
    case Kind::str:
      return as_str() == other.as_str();
    case Kind::bytes:
      return as_bytes() == other.as_bytes();
    case Kind::list:
    case Kind::tuple:
      return items() == other.items();
    case Kind::dict:
      return equal_dicts(as_dict(), other.as_dict());
    case Kind::ndarray:
      return as_ndarray() == other.as_ndarray();
    case Kind::object:
      return as_object().callable == other.as_object().callable &&
             as_object().args == other.as_object().args &&
             as_object().state == other.as_object().state;
    case Kind::global:
      return as_global() == other.as_global();
  }
  return false;
}

void Dict::set(Value key, Value value) {
  for (Entry& entry : entries_) {
    if (entry.first == key) {
      entry.second = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::move(key), std::move(value));
}

const Value* Dict::find(std::string_view key) const {
  for (const Entry& entry : entries_)
    if (entry.first.kind() == Value::Kind::str && entry.first.as_str() == key) return &entry.second;
  return nullptr;
}

const Value& Dict::at(std::string_view key) const {
  if (const Value* value = find(key)) return *value;
  throw std::out_of_range("key '" + std::string(key) + "' missing");
}

}  // namespace facemap::pickle
