#pragma once
// numpy's .npy files (format versions 1.0, 2.0 and 3.0): numeric arrays of any supported dtype
// and memory order, and object arrays, whose payload is a pickle (how np.save stores a dict such
// as Facemap's proc file). Writing replaces a file only once the new one is complete
// (facemap/io/partial_file.hpp).

#include <filesystem>
#include <stdexcept>

#include "facemap/io/row_major_array.hpp"
#include "facemap/io/pickle.hpp"

namespace facemap {

/// A .npy file that cannot be read or written; the message names the file and the reason.
class NpyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads a numeric .npy file into C order and this machine's byte order. Throws NpyError for a
/// missing, malformed or truncated file, an unsupported dtype, or an object array (read those
/// with read_npy_object).
RowMajorArray read_npy(const std::filesystem::path& path);

/// Reads an object-array .npy file (dtype "|O") and returns its unpickled content: for the 0-d
/// array np.save writes for one Python object (a dict, say), that object itself; for other
/// shapes, nested lists. Pickle errors come as pickle::PickleError naming the file.
pickle::Value read_npy_object(const std::filesystem::path& path, pickle::ReadOptions options = {});

/// Writes `array` as a version 1.0 .npy file (2.0 when the header needs more than 64 KiB), in
/// C order, as np.save would.
void write_npy(const std::filesystem::path& path, const RowMajorArray& array);

/// Writes `value` as np.save(path, value, allow_pickle=True) would for a Python object: a 0-d
/// object array whose payload is a protocol 3 pickle. np.load(path, allow_pickle=True).item()
/// returns the value.
void write_npy_object(const std::filesystem::path& path, const pickle::Value& value);

}  // namespace facemap
