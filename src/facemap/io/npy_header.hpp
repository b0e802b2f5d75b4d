#pragma once
// The header of a .npy file: a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }. Private to npy.cpp.

#include <string>
#include <string_view>

#include "facemap/io/row_major_array.hpp"

namespace facemap::detail {

/// The three fields every .npy header has.
struct NpyHeader {
  std::string descr;  ///< numpy's dtype descr, e.g. "<f4" or "|O"
  bool fortran_order = false;
  RowMajorArray::Shape shape;
};

/// Parses the header text; throws std::invalid_argument naming what is wrong.
NpyHeader parse_npy_header(std::string_view text);

/// The header text as numpy writes it (without the padding).
std::string format_npy_header(const NpyHeader& header);

}  // namespace facemap::detail
