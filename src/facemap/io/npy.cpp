// Numeric and object arrays in the .npy container (npy/npy_file.hpp).

#include "facemap/io/npy.hpp"

#include "binary_file.hpp"
#include "npy/npy_file.hpp"

namespace facemap {
namespace {

const std::string object_descr = "|O";

npy::File split_npy(const std::filesystem::path& path, std::string_view contents) {
  try {
    return npy::split(contents);
  } catch (const std::invalid_argument& error) {
    throw NpyError(path.string() + ": " + error.what());
  }
}

}  // namespace

RowMajorArray read_npy(const std::filesystem::path& path) {
  const std::string contents = detail::read_binary_file<NpyError>(path);
  const npy::File file = split_npy(path, contents);
  if (file.header.descr == object_descr)
    throw NpyError(path.string() + ": holds Python objects (dtype object); use read_npy_object");
  try {
    const StoredDType stored = StoredDType::parse(file.header.descr);
    const auto needed =
        static_cast<std::size_t>(element_count(file.header.shape) * stored.dtype.itemsize);
    if (file.data.size() < needed)
      throw NpyError(path.string() + ": truncated data: " + shape_text(file.header.shape) + " " +
                     file.header.descr + " needs " + std::to_string(needed) + " bytes, file has " +
                     std::to_string(file.data.size()));
    return RowMajorArray::from_stored(stored, file.header.shape, file.header.fortran_order,
                                file.data.substr(0, needed));
  } catch (const std::invalid_argument& error) {
    throw NpyError(path.string() + ": " + error.what());
  }
}

pickle::Value read_npy_object(const std::filesystem::path& path, pickle::ReadOptions options) {
  const std::string contents = detail::read_binary_file<NpyError>(path);
  const npy::File file = split_npy(path, contents);
  if (file.header.descr != object_descr)
    throw NpyError(path.string() + ": holds a numeric array (dtype " + file.header.descr +
                   "), not Python objects; use read_npy");
  if (options.source == pickle::ReadOptions().source) options.source = path.string();
  return pickle::read_pickle(file.data, options);
}

void write_npy(const std::filesystem::path& path, const RowMajorArray& array) {
  const npy::Header header{array.dtype().descr(), false, array.shape()};
  detail::write_binary_file<NpyError>(
      path, npy::join(header, std::string_view(reinterpret_cast<const char*>(array.bytes().data()),
                                               array.bytes().size())));
}

void write_npy_object(const std::filesystem::path& path, const pickle::Value& value) {
  const npy::Header header{object_descr, false, {}};
  detail::write_binary_file<NpyError>(
      path, npy::join(header, pickle::write_pickle_in_object_array(value)));
}

}  // namespace facemap
