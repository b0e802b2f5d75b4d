// Writing torch.save's zip archives: every RowMajorArray becomes a pickled tensor, rebuilt by
// torch._utils._rebuild_tensor_v2 from a storage that the pickle names by a persistent id and
// the archive holds as the record data/<key>; LibTorch's zip writer lays the records out.

#include <caffe2/serialize/inline_container.h>

#include "facemap/io/partial_file.hpp"
#include "facemap/io/pickle.hpp"
#include "facemap/io/torch_file.hpp"
#include "torch_storage.hpp"

namespace facemap {
namespace {

using pickle::Items;
using pickle::Object;
using pickle::Value;

// What a storage placeholder object carries until the writer replaces it by its persistent id.
struct StorageRecord {
  std::string key;
  std::int64_t numel = 0;
};

Value int_tuple(const std::vector<std::int64_t>& numbers) {
  Items items;
  for (const std::int64_t number : numbers) items.push_back(Value::integer(number));
  return Value::tuple(std::move(items));
}

// C-order strides, in elements.
std::vector<std::int64_t> contiguous_strides(const RowMajorArray::Shape& shape) {
  std::vector<std::int64_t> strides(shape.size(), 1);
  for (std::size_t axis = shape.size(); axis-- > 1;)
    strides[axis - 1] = strides[axis] * shape[axis];
  return strides;
}

// Replaces the arrays of a value tree by tensor objects and collects their storages.
class TensorEncoder {
 public:
  Value encode(const Value& value) {
    switch (value.kind()) {
      case Value::Kind::ndarray:
        return tensor(value.as_ndarray());
      case Value::Kind::list:
        return Value::list(encode_items(value.as_list()));
      case Value::Kind::tuple:
        return Value::tuple(encode_items(value.as_tuple()));
      case Value::Kind::dict: {
        pickle::Dict dict;
        for (const auto& [key, item] : value.as_dict().entries()) dict.set(key, encode(item));
        return Value::dict(std::move(dict));
      }
      default:
        return value;
    }
  }

  const std::vector<std::shared_ptr<const RowMajorArray>>& storages() const { return storages_; }

 private:
  Items encode_items(const Items& items) {
    Items encoded;
    for (const Value& item : items) encoded.push_back(encode(item));
    return encoded;
  }

  // _rebuild_tensor_v2(storage, 0, size, stride, requires_grad=False, OrderedDict())
  Value tensor(const RowMajorArray& array) {
    const std::string key = std::to_string(storages_.size());
    storages_.push_back(std::make_shared<const RowMajorArray>(array));
    Object storage{detail::torch_storage_class(array.dtype()), Value::tuple(), Value(),
                   StorageRecord{key, array.size()}};
    const Value no_hooks =
        Value::object(Object{pickle::Global{"collections", "OrderedDict"}, Value::tuple(), {}, {}});
    return Value::object(
        Object{detail::torch_rebuild_tensor,
               Value::tuple({Value::object(std::move(storage)), Value::integer(0),
                             int_tuple(array.shape()), int_tuple(contiguous_strides(array.shape())),
                             Value::boolean(false), no_hooks}),
               Value(),
               {}});
  }

  std::vector<std::shared_ptr<const RowMajorArray>> storages_;
};

// persistent_id: a storage placeholder -> ("storage", storage class, key, "cpu", numel).
std::optional<Value> storage_id(const Value& value) {
  if (value.kind() != Value::Kind::object) return std::nullopt;
  const Object& object = value.as_object();
  const auto* record = std::any_cast<StorageRecord>(&object.payload);
  if (record == nullptr) return std::nullopt;
  return Value::tuple({Value::str("storage"), Value::global(object.callable),
                       Value::str(record->key), Value::str("cpu"), Value::integer(record->numel)});
}

}  // namespace

void write_torch_file(const std::filesystem::path& path, const pickle::Value& value) {
  try {
    TensorEncoder encoder;
    const Value encoded = encoder.encode(value);
    pickle::WriteOptions options;
    options.objects_as_reduce = true;
    options.persistent_id = storage_id;
    const std::string data_pickle = pickle::write_pickle(encoded, options);

    PartialFile partial(path);
    {
      // The writer names the archive after the file's stem, which the temporary file shares.
      caffe2::serialize::PyTorchStreamWriter archive(partial.path().string());
      archive.writeRecord("data.pkl", data_pickle.data(), data_pickle.size());
      for (std::size_t key = 0; key < encoder.storages().size(); ++key) {
        const std::vector<std::uint8_t>& bytes = encoder.storages()[key]->bytes();
        archive.writeRecord("data/" + std::to_string(key), bytes.data(), bytes.size());
      }
      archive.writeEndOfFile();
    }
    partial.commit();
  } catch (const FileWriteError& error) {
    throw TorchFileError(error.what());
  } catch (const c10::Error& error) {
    throw TorchFileError(path.string() + ": cannot write (" + error.what_without_backtrace() + ")");
  } catch (const std::exception& error) {
    throw TorchFileError(path.string() + ": cannot write (" + error.what() + ")");
  }
}

}  // namespace facemap
