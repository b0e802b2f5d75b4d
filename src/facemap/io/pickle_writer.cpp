// Pickling Value trees with protocol 3 (what np.save uses), numpy arrays spelled as numpy itself
// spells them so that Python reads them back as ndarrays.

#include <cstring>
#include <map>

#include "facemap/io/pickle.hpp"
#include "pickle_globals.hpp"

namespace facemap::pickle {
namespace {

// Python's pickler batches APPENDS / SETITEMS by this many items.
constexpr std::size_t batch_size = 1000;

class Writer {
 public:
  explicit Writer(const WriteOptions& options = {}) : options_(options) {}

  std::string finish() {
    out_ += '.';  // STOP
    return std::move(out_);
  }

  void protocol_header() { out_ += "\x80\x03"; }

  void value(const Value& value) {
    if (options_.persistent_id) {
      if (const std::optional<Value> id = options_.persistent_id(value)) {
        // As Python's pickler does, the id itself is not offered to the hook (its parts are).
        unhooked_value(*id);
        out_ += 'Q';  // BINPERSID
        return;
      }
    }
    unhooked_value(value);
  }

  void unhooked_value(const Value& value) {
    switch (value.kind()) {
      case Value::Kind::none:
        out_ += 'N';
        return;
      case Value::Kind::boolean:
        out_ += value.as_bool() ? '\x88' : '\x89';
        return;
      case Value::Kind::integer:
        return integer(value.as_int());
      case Value::Kind::real:
        return real(value.as_double());
      case Value::Kind::str:
        out_ += 'X';  // BINUNICODE
        return sized(value.as_str());
      case Value::Kind::bytes:
        return bytes(value.as_bytes());
      case Value::Kind::list:
        return list(value.as_list());
      case Value::Kind::tuple:
        return tuple(value.as_tuple());
      case Value::Kind::dict:
        return dict(value.as_dict());
      case Value::Kind::ndarray:
        return ndarray(value.as_ndarray());
      case Value::Kind::global:
        return global(value.as_global());
      case Value::Kind::object:
        if (options_.objects_as_reduce) return object(value.as_object());
        break;
    }
    throw PickleError("cannot pickle a " + value.kind_name() + ": only plain values and arrays");
  }

  // A 0-d numpy object array holding `element`, numpy's wrapping of a pickled Python object.
  void object_array(const Value& element) {
    reduce(detail::numpy_reconstruct, reconstruct_args());
    out_ += '(';  // MARK
    integer(1);
    tuple({});
    reduce_and_build(detail::numpy_dtype, detail::numpy_object_dtype_args(),
                     detail::numpy_object_dtype_state());
    value(Value::boolean(false));
    list({element});
    out_ += "tb";  // TUPLE, BUILD
  }

 private:
  void unsigned_le(std::uint64_t number, int width) {
    for (int i = 0; i < width; ++i) out_ += static_cast<char>((number >> (8 * i)) & 0xff);
  }

  void integer(std::int64_t number) {
    if (number >= 0 && number < 256) {
      out_ += 'K';  // BININT1
      unsigned_le(number, 1);
    } else if (number >= 0 && number < 65536) {
      out_ += 'M';  // BININT2
      unsigned_le(number, 2);
    } else if (number >= INT32_MIN && number <= INT32_MAX) {
      out_ += 'J';  // BININT
      unsigned_le(static_cast<std::uint32_t>(number), 4);
    } else {
      out_ += "\x8a\x08";  // LONG1 with 8 bytes of two's complement
      unsigned_le(static_cast<std::uint64_t>(number), 8);
    }
  }

  void real(double number) {
    std::uint64_t bits;
    std::memcpy(&bits, &number, sizeof bits);
    out_ += 'G';  // BINFLOAT, big-endian
    for (int i = 7; i >= 0; --i) out_ += static_cast<char>((bits >> (8 * i)) & 0xff);
  }

  // A 4-byte length and the data (BINUNICODE, BINBYTES); protocol 3 has nothing longer.
  void sized(const std::string& data) {
    if (data.size() > UINT32_MAX)
      throw PickleError("cannot pickle " + std::to_string(data.size()) +
                        " bytes in one string with protocol 3 (4 GiB at most)");
    unsigned_le(data.size(), 4);
    out_ += data;
  }

  void bytes(const std::string& data) {
    if (data.size() < 256) {
      out_ += 'C';  // SHORT_BINBYTES
      unsigned_le(data.size(), 1);
      out_ += data;
    } else {
      out_ += 'B';  // BINBYTES
      sized(data);
    }
  }

  void list(const Items& items) {
    out_ += ']';  // EMPTY_LIST
    for (std::size_t start = 0; start < items.size(); start += batch_size) {
      out_ += '(';  // MARK
      for (std::size_t i = start; i < std::min(items.size(), start + batch_size); ++i)
        value(items[i]);
      out_ += 'e';  // APPENDS
    }
  }

  void tuple(const Items& items) {
    if (items.empty()) {
      out_ += ')';  // EMPTY_TUPLE
      return;
    }
    if (items.size() > 3) out_ += '(';  // MARK
    for (const Value& item : items) value(item);
    out_ += items.size() > 3 ? 't' : static_cast<char>(0x85 + items.size() - 1);  // TUPLE(1-3)
  }

  void dict(const Dict& dict) {
    out_ += '}';  // EMPTY_DICT
    const auto& entries = dict.entries();
    for (std::size_t start = 0; start < entries.size(); start += batch_size) {
      out_ += '(';  // MARK
      for (std::size_t i = start; i < std::min(entries.size(), start + batch_size); ++i) {
        value(entries[i].first);
        value(entries[i].second);
      }
      out_ += 'u';  // SETITEMS
    }
  }

  // A global is written once and recalled from the memo afterwards, as Python's pickler does.
  void global(const Global& reference) {
    const std::string key = reference.qualified();
    const auto found = memo_.find(key);
    if (found != memo_.end()) {
      out_ += 'j';  // LONG_BINGET
      unsigned_le(found->second, 4);
      return;
    }
    out_ += 'c' + reference.module + '\n' + reference.name + '\n';  // GLOBAL
    const auto index = static_cast<std::uint32_t>(memo_.size());
    memo_.emplace(key, index);
    out_ += 'r';  // LONG_BINPUT
    unsigned_le(index, 4);
  }

  void reduce(const Global& callable, const Value& args) {
    global(callable);
    value(args);
    out_ += 'R';  // REDUCE
  }

  // An object as the reader makes one: callable(*args), then BUILD with its state if it has one.
  void object(const Object& object) {
    if (object.args.kind() != Value::Kind::tuple)
      throw PickleError("cannot pickle an object of " + object.callable.qualified() +
                        ": its arguments are a " + object.args.kind_name() + ", not a tuple");
    reduce(object.callable, object.args);
    if (object.state.is_none()) return;
    value(object.state);
    out_ += 'b';  // BUILD
  }

  void reduce_and_build(const Global& callable, const Value& args, const Value& state) {
    reduce(callable, args);
    value(state);
    out_ += 'b';  // BUILD
  }

  Value reconstruct_args() {
    return Value::tuple({Value::global(detail::numpy_ndarray), Value::tuple({Value::integer(0)}),
                         Value::bytes("b")});
  }

  void dtype(const DType& element_type) {
    reduce_and_build(detail::numpy_dtype, detail::numpy_dtype_args(element_type),
                     detail::numpy_dtype_state(element_type));
  }

  void raw_elements(const RowMajorArray& array) {
    bytes(std::string(array.bytes().begin(), array.bytes().end()));
  }

  // ndarray.__reduce__: _reconstruct(ndarray, (0,), b"b") then BUILD with
  // (1, shape, dtype, is_fortran, raw bytes); a 0-d array as numpy.core.multiarray.scalar.
  void ndarray(const RowMajorArray& array) {
    if (array.ndim() == 0) {
      global(detail::numpy_scalar);
      dtype(array.dtype());
      raw_elements(array);
      out_ += "\x86R";  // TUPLE2, REDUCE
      return;
    }
    reduce(detail::numpy_reconstruct, reconstruct_args());
    out_ += '(';  // MARK
    integer(1);
    Items shape;
    for (const std::int64_t extent : array.shape()) shape.push_back(Value::integer(extent));
    tuple(shape);
    dtype(array.dtype());
    value(Value::boolean(false));
    raw_elements(array);
    out_ += "tb";  // TUPLE, BUILD
  }

  WriteOptions options_;
  std::string out_;
  std::map<std::string, std::uint32_t> memo_;
};

}  // namespace

std::string write_pickle(const Value& value, const WriteOptions& options) {
  Writer writer(options);
  writer.protocol_header();
  writer.value(value);
  return writer.finish();
}

std::string write_pickle_in_object_array(const Value& value) {
  Writer writer;
  writer.protocol_header();
  writer.object_array(value);
  return writer.finish();
}

}  // namespace facemap::pickle
