// Blob values to pickled values and back (blob_pickle.hpp).

#include "blob_pickle.hpp"

#include <stdexcept>

#include "pipeline/array_conversion.hpp"

namespace pipeline {
namespace {

namespace pickle = facemap::pickle;

[[noreturn]] void unsupported(const std::string& where, const std::string& kind) {
  throw std::invalid_argument(where + ": a " + kind + " is not a value Facemap's settings hold");
}

// As Python would hold the array after unpickling Facemap's settings: bools stay bool, integers
// become int64 and floats float64, in C order.
facemap::RowMajorArray to_facemap_array(const dj::ColumnMajorArray& array, const std::string& where) {
  const dj::DType dtype = array.dtype();
  const bool is_bool = dtype == dj::DType::boolean;
  const bool is_integer = dtype >= dj::DType::int8 && dtype <= dj::DType::uint64;
  const bool is_float = dtype == dj::DType::float32 || dtype == dj::DType::float64;
  if ((!is_bool && !is_integer && !is_float) || array.ndim() > 2)
    unsupported(where, array.describe());
  const facemap::RowMajorArray row_major = to_row_major(array);
  if (is_bool) return row_major;
  if (is_integer)
    return facemap::RowMajorArray::from_values(row_major.shape(),
                                               row_major.values<std::int64_t>());
  return facemap::RowMajorArray::from_values(row_major.shape(), row_major.values<double>());
}

template <class T>
dj::ColumnMajorArray to_dj_array(const facemap::RowMajorArray& array) {
  if (array.ndim() > 2)
    throw std::invalid_argument("a " + array.describe() + " has no place in Facemap's settings");
  return to_column_major(facemap::RowMajorArray::from_values(array.shape(), array.values<T>()));
}

dj::ColumnMajorArray to_dj_array(const facemap::RowMajorArray& array) {
  switch (array.dtype().kind) {
    case facemap::DType::Kind::boolean:
      return to_dj_array<bool>(array);
    case facemap::DType::Kind::signed_int:
    case facemap::DType::Kind::unsigned_int:
      return array.dtype().itemsize <= 4 ? to_dj_array<std::int32_t>(array)
                                         : to_dj_array<std::int64_t>(array);
    case facemap::DType::Kind::floating:
      return array.dtype().itemsize <= 4 ? to_dj_array<float>(array) : to_dj_array<double>(array);
    case facemap::DType::Kind::complex:
      break;
  }
  throw std::invalid_argument("a " + array.describe() + " has no place in Facemap's settings");
}

template <class Sequence>
pickle::Items items_of(const Sequence& sequence, const std::string& where) {
  pickle::Items items;
  for (std::size_t i = 0; i < sequence.size(); ++i)
    items.push_back(to_pickle(sequence[i], where + "[" + std::to_string(i) + "]"));
  return items;
}

std::string key_name(const dj::BlobValue& key) {
  return key.is<std::string>() ? key.as<std::string>() : key.type_name();
}

}  // namespace

pickle::Value to_pickle(const dj::BlobValue& value, const std::string& where) {
  if (value.is_none()) return pickle::Value::none();
  if (value.is<bool>()) return pickle::Value::boolean(value.as<bool>());
  if (value.is<std::int64_t>()) return pickle::Value::integer(value.as<std::int64_t>());
  if (value.is<double>()) return pickle::Value::real(value.as<double>());
  if (value.is<std::string>()) return pickle::Value::str(value.as<std::string>());
  if (value.is<dj::BlobBytes>()) return pickle::Value::bytes(value.as<dj::BlobBytes>().data);
  if (value.is<dj::ColumnMajorArray>())
    return pickle::Value::ndarray(to_facemap_array(value.as<dj::ColumnMajorArray>(), where));
  if (value.is<dj::BlobList>())
    return pickle::Value::list(items_of(value.as<dj::BlobList>().items, where));
  if (value.is<dj::BlobTuple>())
    return pickle::Value::tuple(items_of(value.as<dj::BlobTuple>().items, where));
  if (value.is<dj::ObjectArray>() && value.as<dj::ObjectArray>().shape.size() <= 1)
    return pickle::Value::list(items_of(value.as<dj::ObjectArray>().elements, where));
  if (value.is<dj::BlobDict>()) {
    pickle::Dict dict;
    for (const auto& [key, item] : value.as<dj::BlobDict>().items) {
      const std::string name = key_name(key);
      dict.set(to_pickle(key, where), to_pickle(item, where.empty() ? name : where + "." + name));
    }
    return pickle::Value::dict(std::move(dict));
  }
  unsupported(where.empty() ? "the value" : where, value.type_name());
}

dj::BlobValue to_blob_value(const pickle::Value& value) {
  using Kind = pickle::Value::Kind;
  switch (value.kind()) {
    case Kind::none:
      return dj::BlobValue();
    case Kind::boolean:
      return value.as_bool();
    case Kind::integer:
      return value.as_int();
    case Kind::real:
      return value.as_double();
    case Kind::str:
      return value.as_str();
    case Kind::bytes:
      return dj::BlobBytes{value.as_bytes()};
    case Kind::ndarray:
      return to_dj_array(value.as_ndarray());
    case Kind::list:
    case Kind::tuple: {
      std::vector<dj::BlobValue> items;
      for (const pickle::Value& item : value.items()) items.push_back(to_blob_value(item));
      if (value.kind() == Kind::list) return dj::BlobList{std::move(items)};
      return dj::BlobTuple{std::move(items)};
    }
    case Kind::dict: {
      dj::BlobDict dict;
      for (const auto& [key, item] : value.as_dict().entries())
        dict.items.emplace_back(to_blob_value(key), to_blob_value(item));
      return dict;
    }
    case Kind::object:
    case Kind::global:
      break;
  }
  throw std::invalid_argument("a " + value.kind_name() + " has no place in Facemap's settings");
}

}  // namespace pipeline
