#pragma once
// The two layers' n-dimensional arrays hold the same logical arrays in different element orders:
// dj::ColumnMajorArray is a DataJoint blob's array (column-major, the blob wire order), and
// facemap::RowMajorArray is the array of numpy files and pickles (C order). These conversions
// keep the dtype, the shape and every element at its index, and reorder the bytes.

#include "dj/column_major_array.hpp"
#include "facemap/io/row_major_array.hpp"

namespace pipeline {

/// The array in C order. Throws std::invalid_argument naming the array when its dtype has no
/// counterpart in numpy files as the engines read them (MATLAB char, datetime64).
facemap::RowMajorArray to_row_major(const dj::ColumnMajorArray& array);

/// The array in column-major order. Throws std::invalid_argument naming the array for float16,
/// which blobs cannot hold.
dj::ColumnMajorArray to_column_major(const facemap::RowMajorArray& array);

}  // namespace pipeline
