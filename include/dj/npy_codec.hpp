#pragma once
// The bytes of an <npy@store> object: a standard .npy file (npy/npy_file.hpp), as DataJoint
// 2.x's NpyCodec saves an array with np.save, so that numpy, datajoint-python and this library
// read each other's objects. Arrays of two or more dimensions are written with
// fortran_order True and their column-major elements as they are (numpy reads them as the same
// logical array); files numpy wrote in C order, or in the other byte order, are read too.

#include <string>
#include <string_view>

#include "dj/column_major_array.hpp"

namespace dj {

/// numpy's descr of a dtype in this machine's byte order: "<f4", "|b1", "<i8", "<c16",
/// "<M8[ms]". Throws std::invalid_argument for MATLAB char, which numpy has no dtype for.
std::string numpy_descr(DType dtype, TimeUnit unit = TimeUnit::second);

/// The .npy file of `array` (format 1.0; 2.0 for a header over 64 KiB). Throws
/// std::invalid_argument for MATLAB char arrays.
std::string to_npy(const ColumnMajorArray& array);

/// The array a .npy file holds: any format version, C or Fortran order, either byte order; bool,
/// integer, float, complex and datetime64 dtypes. Throws std::invalid_argument naming `where`
/// and the reason (not a .npy file, a truncated one, object or string arrays).
ColumnMajorArray from_npy(std::string_view bytes, const std::string& where);

}  // namespace dj
