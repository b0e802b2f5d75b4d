// Reading torch.save's zip archives: LibTorch's zip reader for the records, the project's pickle
// reader for data.pkl, and two hooks that rebuild storages and tensors as RowMajorArrays.

#include <cstring>
#include <map>
#include <memory>

#include <caffe2/serialize/inline_container.h>

#include "facemap/io/pickle.hpp"
#include "facemap/io/torch_file.hpp"
#include "torch_storage.hpp"

namespace facemap {
namespace {

using pickle::Items;
using pickle::Value;

// The elements of `storage` that a tensor with this offset, size and stride views, in C order.
// A byte-level loop, because storages of every element type go through here and a strided
// gather is all that is needed (no tensor library at this level).
RowMajorArray strided_elements(const RowMajorArray& storage, std::int64_t offset, const RowMajorArray::Shape& size,
                         const std::vector<std::int64_t>& stride) {
  if (size.size() != stride.size())
    throw std::invalid_argument("tensor size " + shape_text(size) + " and stride " +
                                shape_text(stride) + " differ in length");
  const std::int64_t count = element_count(size);
  std::int64_t last = offset;
  for (std::size_t axis = 0; axis < size.size(); ++axis)
    if (size[axis] > 0) last += (size[axis] - 1) * stride[axis];
  if (offset < 0 || (count > 0 && last >= storage.size()))
    throw std::invalid_argument("tensor of size " + shape_text(size) + " at offset " +
                                std::to_string(offset) + " reaches past its storage of " +
                                std::to_string(storage.size()) + " elements");
  const std::size_t itemsize = storage.dtype().itemsize;
  std::vector<std::uint8_t> bytes(count * itemsize);
  std::vector<std::int64_t> index(size.size(), 0);
  std::int64_t source = offset;
  for (std::int64_t element = 0; element < count; ++element) {
    std::memcpy(bytes.data() + element * itemsize, storage.bytes().data() + source * itemsize,
                itemsize);
    // Advance the multi-index like an odometer, last axis fastest.
    for (std::size_t axis = size.size(); axis-- > 0;) {
      source += stride[axis];
      if (++index[axis] < size[axis]) break;
      source -= stride[axis] * size[axis];
      index[axis] = 0;
    }
  }
  return RowMajorArray(storage.dtype(), size, std::move(bytes));
}

RowMajorArray::Shape int_tuple(const Value& tuple) {
  RowMajorArray::Shape numbers;
  for (const Value& item : tuple.items()) numbers.push_back(item.as_int());
  return numbers;
}

// The hooks' state: the open archive and the storages loaded so far, by key.
class StorageLoader {
 public:
  explicit StorageLoader(caffe2::serialize::PyTorchStreamReader& archive) : archive_(archive) {}

  // persistent_load: ("storage", storage class, key, location, numel) -> a 1-d RowMajorArray.
  Value load(const Value& persistent_id) {
    const Items& fields = persistent_id.as_tuple();
    if (fields.size() != 5 || fields[0] != Value::str("storage"))
      throw std::invalid_argument("unknown persistent id (expected a 5-field \"storage\" tuple)");
    const std::string& key = fields[2].as_str();
    const auto found = storages_.find(key);
    if (found != storages_.end()) return found->second;

    const DType dtype = detail::torch_storage_dtype(fields[1].as_global());
    const std::int64_t numel = fields[4].as_int();
    const std::string record = "data/" + key;
    if (!archive_.hasRecord(record)) throw std::invalid_argument("storage " + record + " missing");
    auto [data, stored_bytes] = archive_.getRecord(record);
    const std::size_t needed = static_cast<std::size_t>(numel) * dtype.itemsize;
    if (stored_bytes < needed)
      throw std::invalid_argument("storage " + record + " holds " + std::to_string(stored_bytes) +
                                  " bytes, its " + std::to_string(numel) + " elements need " +
                                  std::to_string(needed));
    const auto* begin = static_cast<const std::uint8_t*>(data.get());
    Value storage =
        Value::ndarray(RowMajorArray(dtype, {numel}, std::vector<std::uint8_t>(begin, begin + needed)));
    storages_.emplace(key, storage);
    return storage;
  }

  // resolve_global: tensors and parameters become RowMajorArrays; anything else is declined.
  static std::optional<Value> rebuild(const pickle::Global& callable, const Value& args) {
    const Items& fields = args.as_tuple();
    if (callable == detail::torch_rebuild_tensor) {
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      if (fields.size() < 4) throw std::invalid_argument("too few arguments to rebuild a tensor");
      return Value::ndarray(strided_elements(fields[0].as_ndarray(), fields[1].as_int(),
                                             int_tuple(fields[2]), int_tuple(fields[3])));
    }
    if (callable == detail::torch_rebuild_parameter) {
      // (data, requires_grad, backward_hooks): the parameter is its data here.
      if (fields.empty()) throw std::invalid_argument("no data to rebuild a parameter from");
      return fields[0];
    }
    return std::nullopt;
  }

 private:
  caffe2::serialize::PyTorchStreamReader& archive_;
  std::map<std::string, Value> storages_;
};

std::unique_ptr<caffe2::serialize::PyTorchStreamReader> open_archive(
    const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    throw TorchFileError(path.string() + ": cannot open for reading (no such file)");
  try {
    return std::make_unique<caffe2::serialize::PyTorchStreamReader>(path.string());
  } catch (const c10::Error& failure) {
    throw TorchFileError(path.string() + ": not a torch.save zip archive (" +
                         failure.what_without_backtrace() + ")");
  }
}

std::string record_text(caffe2::serialize::PyTorchStreamReader& archive, const std::string& name) {
  auto [data, size] = archive.getRecord(name);
  return std::string(static_cast<const char*>(data.get()), size);
}

}  // namespace

pickle::Value read_torch_file(const std::filesystem::path& path) {
  const auto archive = open_archive(path);
  if (!archive->hasRecord("data.pkl"))
    throw TorchFileError(path.string() +
                         ": the archive has no data.pkl (a TorchScript model, not torch.save?)");
  if (archive->hasRecord("byteorder") && record_text(*archive, "byteorder") != "little")
    throw TorchFileError(path.string() + ": big-endian tensor storages are not supported");
  try {
    StorageLoader storages(*archive);
    pickle::ReadOptions options;
    options.source = path.string();
    options.persistent_load = [&](const Value& id) { return storages.load(id); };
    options.resolve_global = &StorageLoader::rebuild;
    return pickle::read_pickle(record_text(*archive, "data.pkl"), options);
  } catch (const pickle::PickleError& error) {
    throw TorchFileError(error.what());
  } catch (const c10::Error& error) {
    throw TorchFileError(path.string() + ": " + error.what_without_backtrace());
  }
}

}  // namespace facemap
