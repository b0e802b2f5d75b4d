#pragma once
// The storage classes torch.save names in its persistent ids (torch.FloatStorage, ...) and the
// element types they hold. Private to the torch.save reader and writer.

#include "facemap/io/row_major_array.hpp"
#include "facemap/io/pickle_value.hpp"

namespace facemap::detail {

/// The element type of a storage class such as torch.FloatStorage; throws std::invalid_argument
/// naming the class for one without an RowMajorArray element type (BFloat16, complex, quantized).
DType torch_storage_dtype(const pickle::Global& storage_class);

/// The storage class holding elements of `dtype`; throws std::invalid_argument for complex types.
pickle::Global torch_storage_class(const DType& dtype);

/// torch._utils._rebuild_tensor_v2, the function a pickled tensor is rebuilt with.
inline const pickle::Global torch_rebuild_tensor{"torch._utils", "_rebuild_tensor_v2"};
/// torch._utils._rebuild_parameter, which wraps a tensor into an nn.Parameter.
inline const pickle::Global torch_rebuild_parameter{"torch._utils", "_rebuild_parameter"};

}  // namespace facemap::detail
