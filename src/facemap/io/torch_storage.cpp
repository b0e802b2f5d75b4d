// torch's storage class names, as torch/storage.py defines them for torch.save.

#include "torch_storage.hpp"

#include <array>
#include <stdexcept>
#include <utility>

namespace facemap::detail {
namespace {

using Kind = DType::Kind;

const std::array<std::pair<const char*, DType>, 9>& storage_classes() {
  static const std::array<std::pair<const char*, DType>, 9> classes = {{
      {"FloatStorage", {Kind::floating, 4}},
      {"DoubleStorage", {Kind::floating, 8}},
      {"HalfStorage", {Kind::floating, 2}},
      {"LongStorage", {Kind::signed_int, 8}},
      {"IntStorage", {Kind::signed_int, 4}},
      {"ShortStorage", {Kind::signed_int, 2}},
      {"CharStorage", {Kind::signed_int, 1}},
      {"ByteStorage", {Kind::unsigned_int, 1}},
      {"BoolStorage", {Kind::boolean, 1}},
  }};
  return classes;
}

}  // namespace

DType torch_storage_dtype(const pickle::Global& storage_class) {
  if (storage_class.module == "torch")
    for (const auto& [name, dtype] : storage_classes())
      if (storage_class.name == name) return dtype;
  throw std::invalid_argument("unsupported tensor storage type " + storage_class.qualified());
}

pickle::Global torch_storage_class(const DType& dtype) {
  for (const auto& [name, stored] : storage_classes())
    if (stored == dtype) return {"torch", name};
  throw std::invalid_argument("no torch storage type holds " + dtype.name() + " elements");
}

}  // namespace facemap::detail
