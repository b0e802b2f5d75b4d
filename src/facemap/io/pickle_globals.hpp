#pragma once
// The globals the pickle reader and writer know by themselves: numpy's arrays, scalars and
// dtypes, OrderedDict, and protocol 2's spellings of bytes. Private to the pickle code.

#include <optional>
#include <string>

#include "facemap/io/pickle_value.hpp"

namespace facemap::pickle::detail {

/// The modules numpy has kept its pickle helpers in (numpy 2 renamed numpy.core to numpy._core).
inline bool is_numpy_core(const std::string& module, const std::string& submodule) {
  return module == "numpy.core." + submodule || module == "numpy._core." + submodule;
}

/// What numpy 1.x writes and every numpy since reads.
inline const Global numpy_reconstruct{"numpy.core.multiarray", "_reconstruct"};
inline const Global numpy_ndarray{"numpy", "ndarray"};
inline const Global numpy_dtype{"numpy", "dtype"};
inline const Global numpy_scalar{"numpy.core.multiarray", "scalar"};

/// The value of calling `callable` with `args` when it is one of the known globals, else
/// std::nullopt. Throws std::invalid_argument for malformed arguments.
std::optional<Value> call_known_global(const Global& callable, const Value& args);

/// The numpy part of call_known_global: arrays, scalars and dtypes.
std::optional<Value> call_numpy_global(const Global& callable, const Items& args);

/// Whether `value` is numpy's half-made array (the result of _reconstruct, awaiting BUILD).
bool is_pending_ndarray(const Value& value);

/// The array a pending ndarray becomes when BUILD gives it `state` (version, shape, dtype,
/// Fortran flag, data): an RowMajorArray value, or nested lists for an object array.
Value build_ndarray(const Value& state);

/// numpy's dtype arguments and state for a numeric dtype, e.g. ("f4", False, True) and
/// (3, "<", None, None, None, -1, -1, 0), as numpy.dtype.__reduce__ gives them.
Value numpy_dtype_args(const DType& dtype);
Value numpy_dtype_state(const DType& dtype);
/// The same for the object dtype ("O8").
Value numpy_object_dtype_args();
Value numpy_object_dtype_state();

}  // namespace facemap::pickle::detail
