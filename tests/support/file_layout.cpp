#include "support/file_layout.hpp"

#include <hdf5.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "facemap/io/row_major_array.hpp"
#include "facemap/io/pickle.hpp"

namespace fmtest {
namespace {

using facemap::pickle::Value;

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& reason) {
  throw std::runtime_error(path.string() + ": " + reason);
}

std::string dtype_text(hid_t type) {
  const std::size_t size = H5Tget_size(type);
  const auto order = [&] {
    return H5Tget_order(type) == H5T_ORDER_BE ? std::string(" big-endian")
                                              : std::string(" little-endian");
  };
  switch (H5Tget_class(type)) {
    case H5T_FLOAT:
      return "float" + std::to_string(8 * size) + order();
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(8 * size) +
             (size > 1 ? order() : "");
    case H5T_STRING:
      return std::string(H5Tis_variable_str(type) > 0 ? "variable string" : "string") + "(" +
             std::to_string(size) + ")";
    default:
      return "class " + std::to_string(static_cast<int>(H5Tget_class(type))) + " size " +
             std::to_string(size);
  }
}

std::vector<std::uint64_t> extents(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return {dims.begin(), dims.end()};
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

herr_t add_attribute(hid_t object, const char* name, const H5A_info_t*, void* data) {
  auto& attributes = *static_cast<std::vector<std::string>*>(data);
  const hid_t attribute = H5Aopen(object, name, H5P_DEFAULT);
  const hid_t type = H5Aget_type(attribute), space = H5Aget_space(attribute);
  attributes.push_back(std::string(name) + ": " + dtype_text(type) + " " +
                       shape_text(extents(space)));
  H5Sclose(space);
  H5Tclose(type);
  H5Aclose(attribute);
  return 0;
}

Hdf5Object describe(hid_t object) {
  Hdf5Object described;
  hsize_t index = 0;
  H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, add_attribute, &described.attributes);
  if (H5Iget_type(object) == H5I_GROUP) {
    described.kind = "group";
    return described;
  }
  described.kind = "dataset";
  const hid_t type = H5Dget_type(object), space = H5Dget_space(object);
  const hid_t properties = H5Dget_create_plist(object);
  described.dtype = dtype_text(type);
  described.shape = extents(space);
  switch (H5Pget_layout(properties)) {
    case H5D_CONTIGUOUS:
      described.storage = "contiguous";
      break;
    case H5D_CHUNKED:
      described.storage = "chunked";
      break;
    case H5D_COMPACT:
      described.storage = "compact";
      break;
    default:
      described.storage = "other";
  }
  described.filters = H5Pget_nfilters(properties);
  const H5T_class_t kind = H5Tget_class(type);
  if (kind == H5T_FLOAT || kind == H5T_INTEGER) {
    described.values.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
    if (!described.values.empty())
      H5Dread(object, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, described.values.data());
  }
  H5Pclose(properties);
  H5Sclose(space);
  H5Tclose(type);
  return described;
}

struct Visit {
  hid_t file;
  std::map<std::string, Hdf5Object>* objects;
};

herr_t add_link(hid_t, const char* name, const H5L_info_t*, void* data) {
  const Visit& visit = *static_cast<Visit*>(data);
  const hid_t object = H5Oopen(visit.file, name, H5P_DEFAULT);
  if (object < 0) return -1;
  (*visit.objects)["/" + std::string(name)] = describe(object);
  H5Oclose(object);
  return 0;
}

std::uint32_t little_endian(const std::string& bytes, std::size_t at, int size) {
  if (at + static_cast<std::size_t>(size) > bytes.size()) throw std::out_of_range("zip: past end");
  std::uint32_t value = 0;
  for (int i = size; i-- > 0;)
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  return value;
}

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

}  // namespace

std::map<std::string, Hdf5Object> hdf5_objects(const std::filesystem::path& path) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) fail(path, "cannot open as an HDF5 file");
  std::map<std::string, Hdf5Object> objects;
  const hid_t root = H5Oopen(file, "/", H5P_DEFAULT);
  objects["/"] = describe(root);
  H5Oclose(root);
  Visit visit{file, &objects};
  const herr_t status = H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, add_link, &visit);
  H5Fclose(file);
  if (status < 0) fail(path, "cannot list its objects");
  return objects;
}

std::vector<ZipRecord> zip_records(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The end of central directory record: signature 0x06054b50, at least 22 bytes from the end.
  if (bytes.size() < 22) fail(path, "too short for a zip archive");
  std::size_t end = bytes.size() - 22;
  while (little_endian(bytes, end, 4) != 0x06054b50) {
    if (end == 0) fail(path, "no end of central directory");
    --end;
  }
  const std::uint32_t count = little_endian(bytes, end + 10, 2);
  std::size_t at = little_endian(bytes, end + 16, 4);
  std::vector<ZipRecord> records;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (little_endian(bytes, at, 4) != 0x02014b50) fail(path, "bad central directory entry");
    ZipRecord record;
    record.method = static_cast<int>(little_endian(bytes, at + 10, 2));
    const std::uint32_t compressed = little_endian(bytes, at + 20, 4);
    const std::uint32_t name_size = little_endian(bytes, at + 28, 2);
    const std::uint32_t extra_size = little_endian(bytes, at + 30, 2);
    const std::uint32_t comment_size = little_endian(bytes, at + 32, 2);
    const std::uint32_t local = little_endian(bytes, at + 42, 4);
    record.name = bytes.substr(at + 46, name_size);
    if (little_endian(bytes, local, 4) != 0x04034b50) fail(path, "bad local header");
    record.data_offset =
        local + 30 + little_endian(bytes, local + 26, 2) + little_endian(bytes, local + 28, 2);
    if (record.method == 0) record.data = bytes.substr(record.data_offset, compressed);
    records.push_back(std::move(record));
    at += 46 + name_size + extra_size + comment_size;
  }
  return records;
}

Value read_pickle_structure(std::string_view stream) {
  facemap::pickle::ReadOptions options;
  options.resolve_global = [](const facemap::pickle::Global& callable, const Value& args) {
    return std::optional<Value>(Value::object(facemap::pickle::Object{callable, args, {}, {}}));
  };
  options.persistent_load = [](const Value& id) {
    return Value::object(facemap::pickle::Object{{"<persistent id>", ""}, id, {}, {}});
  };
  return facemap::pickle::read_pickle(stream, options);
}

std::string pickle_layout(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::none:
      return "None";
    case Value::Kind::boolean:
      return value.as_bool() ? "True" : "False";
    case Value::Kind::integer:
      return "int " + std::to_string(value.as_int());
    case Value::Kind::real:
      return "float " + number_text(value.as_double());
    case Value::Kind::str:
      return "'" + value.as_str() + "'";
    case Value::Kind::bytes:
      return "bytes(" + std::to_string(value.as_bytes().size()) + ")";
    case Value::Kind::list:
    case Value::Kind::tuple: {
      std::string text = value.kind() == Value::Kind::list ? "[" : "(";
      for (const Value& item : value.items()) text += pickle_layout(item) + ", ";
      return text + (value.kind() == Value::Kind::list ? "]" : ")");
    }
    case Value::Kind::dict: {
      std::string text = "{";
      for (const auto& [key, item] : value.as_dict().entries())
        text += pickle_layout(key) + ": " + pickle_layout(item) + ", ";
      text += "}";
      if (!value.as_dict().attributes.is_none())
        text += " with attributes " + pickle_layout(value.as_dict().attributes);
      return text;
    }
    case Value::Kind::ndarray:
      return "ndarray " + value.as_ndarray().describe();
    case Value::Kind::object: {
      const facemap::pickle::Object& object = value.as_object();
      std::string text =
          (object.callable.module == "<persistent id>" ? "persistent id"
                                                       : object.callable.qualified()) +
          pickle_layout(object.args);
      if (!object.state.is_none()) text += " built with " + pickle_layout(object.state);
      return text;
    }
    case Value::Kind::global:
      return "class " + value.as_global().qualified();
  }
  return "?";
}

}  // namespace fmtest
