#pragma once
// numpy's .npy container (format versions 1.0, 2.0 and 3.0): the magic "\x93NUMPY", a version,
// the header's length, the header (a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces), then the
// elements or, for object arrays, a pickle. Shared by the engines' file readers
// (facemap/io/npy.hpp) and the relational core's <npy@store> codec, which both need exactly
// numpy's layout; neither depends on the other.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace npy {

/// The three fields every .npy header has.
struct Header {
  std::string descr;  ///< numpy's dtype descr, e.g. "<f4", "|b1" or "|O"
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
  bool operator==(const Header&) const = default;
};

/// A .npy file split into its header and the bytes after it (not copied).
struct File {
  Header header;
  std::string_view data;
};

/// Splits the contents of a .npy file. Throws std::invalid_argument saying what is wrong (no
/// magic, an unsupported version, a truncated preamble or header, a malformed header); callers
/// add the file's name.
File split(std::string_view contents);

/// A .npy file as np.save writes it: version 1.0 (2.0 when the header needs more than 64 KiB),
/// the header padded with spaces and a newline so that `data` starts at a multiple of 64 bytes.
std::string join(const Header& header, std::string_view data);

/// "(2, 3)", "(5,)" or "()": a shape as Python prints a tuple, and as the header holds it.
std::string shape_text(const std::vector<std::int64_t>& shape);

}  // namespace npy
