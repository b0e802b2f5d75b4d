#pragma once
// The values a Python pickle holds, as a small tree: None, bool, int, float, str, bytes, list,
// tuple, dict, numpy arrays, and "objects" (instances of classes the reader does not know,
// built by a resolver hook). facemap/io/pickle.hpp reads and writes them.
//
// A Value is a cheap handle: lists, tuples, dicts, arrays and objects are shared between copies,
// as Python shares them between references (the pickle memo relies on that).

#include <any>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "facemap/io/row_major_array.hpp"

namespace facemap::pickle {

class Value;
class Dict;
struct Object;

/// The elements of a list or tuple.
using Items = std::vector<Value>;

/// A reference to a Python class or function (GLOBAL / STACK_GLOBAL), e.g. torch.FloatStorage.
struct Global {
  std::string module;
  std::string name;
  /// "module.name"
  std::string qualified() const { return module + "." + name; }
  bool operator==(const Global& other) const {
    return module == other.module && name == other.name;
  }
};

/// One pickled value.
class Value {
 public:
  enum class Kind {
    none,
    boolean,
    integer,
    real,
    str,
    bytes,
    list,
    tuple,
    dict,
    ndarray,
    object,
    global
  };

  /// None.
  Value() = default;
  static Value none() { return Value(); }
  static Value boolean(bool value);
  static Value integer(std::int64_t value);
  static Value real(double value);
  static Value str(std::string utf8);
  /// bytes or bytearray.
  static Value bytes(std::string data);
  static Value list(Items items = {});
  static Value tuple(Items items = {});
  static Value dict(Dict dict);
  static Value ndarray(RowMajorArray array);
  static Value object(Object object);
  static Value global(Global reference);

  Kind kind() const;
  /// Python's name for the kind ("NoneType", "int", "list", "numpy.ndarray", ...).
  std::string kind_name() const;
  bool is_none() const { return kind() == Kind::none; }

  // Accessors: each throws std::invalid_argument("expected <kind>, got <kind>") on a mismatch.
  bool as_bool() const;
  std::int64_t as_int() const;  ///< int or bool
  double as_double() const;     ///< float, int or bool
  const std::string& as_str() const;
  const std::string& as_bytes() const;
  const Items& as_list() const;
  const Items& as_tuple() const;
  /// The elements of a list or a tuple.
  const Items& items() const;
  const Dict& as_dict() const;
  const RowMajorArray& as_ndarray() const;
  const Object& as_object() const;
  const Global& as_global() const;

  // Mutable access to shared containers (every copy of this Value sees the change).
  Items& mutable_items();  ///< list or tuple
  Dict& mutable_dict();
  Object& mutable_object();

  /// True when both handles share one container (Python's `is`); always false for scalars.
  bool same_as(const Value& other) const;
  /// Deep equality (Python's ==, without int / float / bool mixing).
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  struct Str {
    std::string text;
  };
  struct Bytes {
    std::string data;
  };
  struct List {
    Items items;
  };
  struct Tuple {
    Items items;
  };
  // The alternatives stand in the order of Kind: kind() is the variant's index.
  using Variant = std::variant<std::monostate, bool, std::int64_t, double, Str, Bytes,
                               std::shared_ptr<List>, std::shared_ptr<Tuple>, std::shared_ptr<Dict>,
                               std::shared_ptr<const RowMajorArray>, std::shared_ptr<Object>, Global>;
  explicit Value(Variant variant) : variant_(std::move(variant)) {}
  [[noreturn]] void mismatch(const char* expected) const;

  Variant variant_;
};

/// A Python dict: keys (usually str or int) in insertion order, as Python 3.7+ keeps them.
class Dict {
 public:
  using Entry = std::pair<Value, Value>;

  /// Sets `key` to `value`, replacing the value of an equal key (keeping its position).
  void set(Value key, Value value);
  /// Shorthand for a str key.
  void set(std::string_view key, Value value) {
    set(Value::str(std::string(key)), std::move(value));
  }
  /// The value of str key `key`, or nullptr.
  const Value* find(std::string_view key) const;
  /// The value of str key `key`; throws std::out_of_range("key 'k' missing") when absent.
  const Value& at(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  const std::vector<Entry>& entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }

  /// Instance attributes a BUILD gave the dict (torch sets `_metadata` on an OrderedDict this
  /// way); None when there were none.
  Value attributes;

 private:
  std::vector<Entry> entries_;
};

/// An instance of a class the reader does not know, as the resolver hook built it (or as a
/// resolver chose to describe it): the callable, its arguments and BUILD's state.
struct Object {
  Global callable;  ///< the class or function that made it
  Value args;       ///< the argument tuple of REDUCE / NEWOBJ
  Value state;      ///< BUILD's argument; None until built
  /// Anything a resolver wants to attach, e.g. a decoded tensor.
  std::any payload;
};

}  // namespace facemap::pickle
