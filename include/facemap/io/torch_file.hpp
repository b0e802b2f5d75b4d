#pragma once
// Files made by torch.save (PyTorch 1.6 and later): an uncompressed zip archive holding
// `<archive>/data.pkl`, a pickle whose tensors refer to raw storages kept as the records
// `<archive>/data/<key>`, and `<archive>/version`. Facemap keeps its network weights this way
// (a state dict: an OrderedDict of parameter name -> tensor) next to a small parameter file.
//
// Tensors cross this interface as RowMajorArray values (C order, this machine's byte order), so that
// callers need no tensor library: reading turns every tensor into an RowMajorArray, writing turns
// every RowMajorArray into a tensor. LibTorch 1.13's own torch::pickle_load rejects state dicts; this
// reads them with LibTorch's zip reader and the project's pickle reader.

#include <filesystem>
#include <stdexcept>

#include "facemap/io/pickle_value.hpp"

namespace facemap {

/// A torch.save file that cannot be read or written; the message names the file and the reason
/// (e.g. "model.pt: not a torch.save zip archive (...)" or "...: storage data/3 holds 40 bytes,
/// the tensor needs 64").
class TorchFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads what torch.load would return, with every tensor (and nn.Parameter) as an RowMajorArray value
/// and OrderedDicts as dicts. Storage types: Float, Double, Half, Long, Int, Short, Char, Byte and
/// Bool. Tensors that share a storage are copied apart. Throws TorchFileError.
pickle::Value read_torch_file(const std::filesystem::path& path);

/// Writes `value` as torch.save(value, path) would, every RowMajorArray becoming a CPU tensor with its
/// own storage, so that torch.load and read_torch_file return it. Dicts are written as plain
/// dicts, which torch's load_state_dict accepts as it accepts an OrderedDict. The archive is
/// named after the file's stem, as torch.save names it. The file is replaced only once the new
/// one is complete (facemap/io/partial_file.hpp). Throws TorchFileError.
void write_torch_file(const std::filesystem::path& path, const pickle::Value& value);

}  // namespace facemap
