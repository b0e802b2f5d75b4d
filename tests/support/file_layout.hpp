#pragma once
// The structure of files that Facemap (h5py, pickle, torch.save) writes, read without the
// project's own readers of those formats, so that a test can hold our writers' files against
// Facemap's: an HDF5 file's objects (groups, datasets with dtype, shape, storage and values,
// attributes), a zip archive's records (torch.save's container) and a pickle's value tree with
// every class reference, reduce call and persistent id spelled out.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "facemap/io/pickle_value.hpp"

namespace fmtest {

/// One object of an HDF5 file.
struct Hdf5Object {
  std::string kind;                     ///< "group" or "dataset"
  std::string dtype;                    ///< datasets: e.g. "float32 little-endian"
  std::vector<std::uint64_t> shape;     ///< datasets: the extents
  std::string storage;                  ///< datasets: "contiguous", "chunked" or "compact"
  int filters = 0;                      ///< datasets: filters in the pipeline (compression, ...)
  std::vector<std::string> attributes;  ///< "name: dtype shape", sorted by name
  std::vector<double> values;           ///< numeric datasets: the elements, C order
};

/// Every object of the HDF5 file under its path ("/", "/Facemap", "/Facemap/paw/x", ...), read
/// with the HDF5 C API. Throws std::runtime_error when the file cannot be read.
std::map<std::string, Hdf5Object> hdf5_objects(const std::filesystem::path& path);

/// One record of a zip archive, in the order of the central directory.
struct ZipRecord {
  std::string name;
  int method = 0;                 ///< 0 = stored, 8 = deflated
  std::uint64_t data_offset = 0;  ///< where the record's bytes start in the file
  std::string data;               ///< the bytes (stored records only; empty otherwise)
};

/// The records of a zip archive (no zip64, as torch.save writes small files). Throws
/// std::runtime_error for anything else.
std::vector<ZipRecord> zip_records(const std::filesystem::path& path);

/// Reads a pickle keeping what the project's reader would interpret: every call of a class or
/// function it does not know becomes an Object (callable and argument tuple; BUILD's state),
/// every persistent id an Object whose callable is "<persistent id>" and whose args are the id.
facemap::pickle::Value read_pickle_structure(std::string_view stream);

/// A canonical text of a value tree: kinds, dict keys in order, numbers (ints and floats
/// apart), strings, class references, calls, a dict's BUILD attributes, arrays' dtype and shape.
std::string pickle_layout(const facemap::pickle::Value& value);

}  // namespace fmtest
