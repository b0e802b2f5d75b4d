// numpy's pickle vocabulary: how arrays, scalars and dtypes are spelled in a pickle
// (ndarray.__reduce__, numpy.dtype.__reduce__, numpy scalars' __reduce__), read and written.

#include <cstring>
#include <limits>
#include <stdexcept>

#include "pickle_globals.hpp"

namespace facemap::pickle::detail {
namespace {

const Items& argument_tuple(const Items& args, std::size_t count, const char* function) {
  if (args.size() != count)
    throw std::invalid_argument(std::string(function) + " takes " + std::to_string(count) +
                                " arguments, got " + std::to_string(args.size()));
  return args;
}

bool is_object_dtype(const Object& dtype) {
  const std::string& name = dtype.args.items().at(0).as_str();
  return !name.empty() && name.front() == 'O';
}

// A numpy.dtype object (REDUCE'd with ("f4", False, True), BUILT with a state whose second
// element is the byte order) as the element type and byte order of stored data.
StoredDType stored_dtype(const Value& dtype_value) {
  const Object& dtype = dtype_value.as_object();
  if (!(dtype.callable == numpy_dtype))
    throw std::invalid_argument("expected a numpy.dtype, got " + dtype_value.kind_name());
  std::string descr = dtype.args.items().at(0).as_str();
  if (!dtype.state.is_none()) descr = dtype.state.items().at(1).as_str() + descr;
  return StoredDType::parse(descr);
}

RowMajorArray::Shape shape_of(const Value& shape_tuple) {
  RowMajorArray::Shape shape;
  for (const Value& extent : shape_tuple.items()) shape.push_back(extent.as_int());
  return shape;
}

// Object arrays as ndarray.tolist() gives them: nested lists, one level per axis.
Value nest_elements(const Items& elements, const RowMajorArray::Shape& shape, std::size_t axis,
                    std::size_t& next) {
  if (axis == shape.size()) return elements.at(next++);
  Items level;
  for (std::int64_t i = 0; i < shape[axis]; ++i)
    level.push_back(nest_elements(elements, shape, axis + 1, next));
  return Value::list(std::move(level));
}

Value numpy_scalar_value(const Items& args) {
  argument_tuple(args, 2, "numpy scalar");
  const StoredDType stored = stored_dtype(args[0]);
  const RowMajorArray element = RowMajorArray::from_stored(stored, {}, false, args[1].as_bytes());
  switch (stored.dtype.kind) {
    case DType::Kind::boolean:
      return Value::boolean(element.values<bool>()[0]);
    case DType::Kind::signed_int:
      return Value::integer(element.values<std::int64_t>()[0]);
    case DType::Kind::unsigned_int:
      if (stored.dtype.itemsize == 8) {
        std::uint64_t magnitude;
        std::memcpy(&magnitude, element.bytes().data(), sizeof magnitude);
        if (magnitude > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
          throw std::invalid_argument("numpy.uint64 scalar " + std::to_string(magnitude) +
                                      " does not fit a signed 64-bit integer");
      }
      return Value::integer(element.values<std::int64_t>()[0]);
    case DType::Kind::floating:
      return Value::real(element.values<double>()[0]);
    case DType::Kind::complex:
      break;
  }
  throw std::invalid_argument("complex numpy scalars are not supported");
}

Value numpy_frombuffer(const Items& args) {
  argument_tuple(args, 4, "numpy _frombuffer");
  const std::string& order = args[3].as_str();
  return Value::ndarray(RowMajorArray::from_stored(stored_dtype(args[1]), shape_of(args[2]), order == "F",
                                             args[0].as_bytes()));
}

Value numpy_reconstruct_call(const Global& callable, const Items& args) {
  argument_tuple(args, 3, "numpy _reconstruct");
  const Global& subtype = args[0].as_global();
  if (!(subtype == numpy_ndarray))
    throw std::invalid_argument("unsupported ndarray subclass " + subtype.qualified());
  // The array itself appears at BUILD; until then it is this placeholder.
  return Value::object(Object{callable, Value::tuple(args), Value(), {}});
}

}  // namespace

std::optional<Value> call_numpy_global(const Global& callable, const Items& args) {
  if (is_numpy_core(callable.module, "multiarray") && callable.name == "_reconstruct")
    return numpy_reconstruct_call(callable, args);
  if (is_numpy_core(callable.module, "multiarray") && callable.name == "scalar")
    return numpy_scalar_value(args);
  if (is_numpy_core(callable.module, "numeric") && callable.name == "_frombuffer")
    return numpy_frombuffer(args);
  if (callable == numpy_dtype) return Value::object(Object{callable, Value::tuple(args), {}, {}});
  return std::nullopt;
}

bool is_pending_ndarray(const Value& value) {
  if (value.kind() != Value::Kind::object) return false;
  const Global& callable = value.as_object().callable;
  return is_numpy_core(callable.module, "multiarray") && callable.name == "_reconstruct";
}

Value build_ndarray(const Value& state) {
  const Items& fields = state.items();
  // numpy writes (version, shape, dtype, is_fortran, data); very old numpy left out the version.
  if (fields.size() != 5 && fields.size() != 4)
    throw std::invalid_argument("numpy array state has " + std::to_string(fields.size()) +
                                " fields, expected 5");
  const std::size_t first = fields.size() - 4;
  const RowMajorArray::Shape shape = shape_of(fields[first]);
  const Value& dtype = fields[first + 1];
  const bool fortran_order = fields[first + 2].as_bool();
  const Value& data = fields[first + 3];
  if (is_object_dtype(dtype.as_object())) {
    // numpy pickles object arrays as a list in C order whatever their memory order.
    const Items& elements = data.as_list();
    if (static_cast<std::int64_t>(elements.size()) != element_count(shape))
      throw std::invalid_argument("object array of shape " + shape_text(shape) + " holds " +
                                  std::to_string(elements.size()) + " elements");
    std::size_t next = 0;
    return nest_elements(elements, shape, 0, next);
  }
  return Value::ndarray(
      RowMajorArray::from_stored(stored_dtype(dtype), shape, fortran_order, data.as_bytes()));
}

Value numpy_dtype_args(const DType& dtype) {
  return Value::tuple({Value::str(dtype.name()), Value::boolean(false), Value::boolean(true)});
}

namespace {

Value dtype_state(const std::string& byte_order, std::int64_t flags) {
  return Value::tuple({Value::integer(3), Value::str(byte_order), Value(), Value(), Value(),
                       Value::integer(-1), Value::integer(-1), Value::integer(flags)});
}

}  // namespace

Value numpy_dtype_state(const DType& dtype) {
  return dtype_state(dtype.descr().substr(0, 1), 0);
}

Value numpy_object_dtype_args() {
  return Value::tuple({Value::str("O8"), Value::boolean(false), Value::boolean(true)});
}

// 63 is numpy's flag set for the object dtype (it holds references, needs init, ...).
Value numpy_object_dtype_state() {
  return dtype_state("|", 63);
}

}  // namespace facemap::pickle::detail
