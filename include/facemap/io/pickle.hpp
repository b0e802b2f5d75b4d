#pragma once
// Reading and writing Python pickle streams (protocols 2 to 5) as facemap::pickle::Value trees.
//
// Written by hand because Debian packages no C++ pickle reader (LibTorch's unpickler,
// torch::jit::unpickle, knows only TorchScript's value types and rejects numpy's globals). It
// covers the opcodes that numpy, Facemap (np.save of its proc dict) and torch.save emit, and
// reports anything else as a PickleError naming the opcode or global and its byte offset.
//
// The reader knows these globals by itself:
//  - numpy arrays (`numpy.core.multiarray._reconstruct` + BUILD, and protocol 5's
//    `numpy.core.numeric._frombuffer`; `numpy._core` too): numeric arrays become RowMajorArray values
//    in C order and this machine's byte order; object arrays become nested lists, as
//    ndarray.tolist() would give them (a 0-d object array becomes its one element);
//  - numpy scalars (`numpy.core.multiarray.scalar`): bool, int or float values;
//  - `numpy.dtype` (used inside the two above), `collections.OrderedDict` (a dict; a BUILD on
//    it, such as torch's `_metadata`, goes to Dict::attributes), and protocol 2's ways of
//    spelling bytes (`_codecs.encode`, `builtins.bytearray`).
// Every other global goes to ReadOptions::resolve_global, and persistent ids (BINPERSID) to
// ReadOptions::persistent_load, so a torch state-dict loader can rebuild tensors itself.
// Self-referencing containers (a list holding itself) are not supported: they would leak.

#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "facemap/io/pickle_value.hpp"

namespace facemap::pickle {

/// A malformed, truncated or unsupported pickle. The message names the stream (ReadOptions::
/// source), the reason, the opcode and its byte offset, e.g.
/// "model.pkl: unsupported global torch._utils._rebuild_tensor_v2 (opcode REDUCE at byte 812)".
class PickleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Builds the value of calling `callable` with the argument tuple `args` (REDUCE, or NEWOBJ's
/// cls(*args)). Returns std::nullopt to decline; the reader then reports the global as
/// unsupported. Exceptions thrown here are reported with the opcode's position.
using GlobalResolver =
    std::function<std::optional<Value>(const Global& callable, const Value& args)>;

/// Returns the object that a persistent id (the value BINPERSID pops) stands for, as Python's
/// Unpickler.persistent_load does; torch.save uses it for tensor storages.
using PersistentLoader = std::function<Value(const Value& persistent_id)>;

/// How to read one stream.
struct ReadOptions {
  std::string source = "pickle";     ///< names the stream in error messages (e.g. the file)
  GlobalResolver resolve_global;     ///< for globals the reader does not know; may be empty
  PersistentLoader persistent_load;  ///< for BINPERSID; may be empty (then it is an error)
};

/// Reads one pickled value from `stream` (which may continue after the STOP opcode).
Value read_pickle(std::string_view stream, const ReadOptions& options = {});

/// Reads a whole file as one pickle; errors name the file unless options.source is set.
Value read_pickle_file(const std::filesystem::path& path, ReadOptions options = {});

/// Stands in for a value with a persistent id, as Python's Pickler.persistent_id does: returns the
/// id to write (then BINPERSID) instead of `value`, or std::nullopt to write `value` itself.
/// torch.save uses it for tensor storages.
using PersistentIdHook = std::function<std::optional<Value>(const Value& value)>;

/// How to write one stream.
struct WriteOptions {
  /// Write Object values as REDUCE (callable(*args)) followed, when their state is not None, by
  /// BUILD: how the reader made them. Off by default, because an object the reader made from a
  /// class it did not know may not rebuild in Python; torch.save's tensors need it.
  bool objects_as_reduce = false;
  PersistentIdHook persistent_id;  ///< consulted for every value; may be empty
};

/// Pickles `value` with protocol 3, as Python 3's pickle.dumps(value, protocol=3) would be read
/// back: None, bool, int, float, str, bytes, list, tuple, dict and numeric RowMajorArray values (as
/// numpy arrays; a 0-d array is written as a numpy scalar of its dtype, the way numpy stores
/// `np.int64(40)`), and Global values as class references. Objects throw PickleError unless
/// options.objects_as_reduce is set.
std::string write_pickle(const Value& value, const WriteOptions& options = {});

/// Pickles `value` wrapped in a 0-d numpy object array: the payload np.save writes for a Python
/// object, which np.load(..., allow_pickle=True).item() returns.
std::string write_pickle_in_object_array(const Value& value);

}  // namespace facemap::pickle
