// The pickle virtual machine: runs the opcodes of a stream over a stack, a mark stack and a
// memo, as Python's Unpickler does, for the opcodes of protocols 2 to 5 that numpy, Facemap
// and torch.save produce.

#include <cstring>
#include <iterator>
#include <unordered_map>

#include "binary_file.hpp"
#include "facemap/io/pickle.hpp"
#include "pickle_globals.hpp"

namespace facemap::pickle {
namespace {

// Opcode bytes, named as in Python's pickletools.
enum Opcode : std::uint8_t {
  MARK = '(',
  STOP = '.',
  POP = '0',
  POP_MARK = '1',
  DUP = '2',
  FLOAT = 'F',
  INT = 'I',
  BININT = 'J',
  BININT1 = 'K',
  LONG = 'L',
  BININT2 = 'M',
  NONE = 'N',
  PERSID = 'P',
  BINPERSID = 'Q',
  REDUCE = 'R',
  STRING = 'S',
  BINSTRING = 'T',
  SHORT_BINSTRING = 'U',
  UNICODE = 'V',
  BINUNICODE = 'X',
  APPEND = 'a',
  BUILD = 'b',
  GLOBAL = 'c',
  DICT = 'd',
  EMPTY_DICT = '}',
  APPENDS = 'e',
  GET = 'g',
  BINGET = 'h',
  INST = 'i',
  LONG_BINGET = 'j',
  LIST = 'l',
  EMPTY_LIST = ']',
  OBJ = 'o',
  PUT = 'p',
  BINPUT = 'q',
  LONG_BINPUT = 'r',
  SETITEM = 's',
  TUPLE = 't',
  EMPTY_TUPLE = ')',
  SETITEMS = 'u',
  BINFLOAT = 'G',
  BINBYTES = 'B',
  SHORT_BINBYTES = 'C',
  PROTO = 0x80,
  NEWOBJ = 0x81,
  EXT1 = 0x82,
  EXT2 = 0x83,
  EXT4 = 0x84,
  TUPLE1 = 0x85,
  TUPLE2 = 0x86,
  TUPLE3 = 0x87,
  NEWTRUE = 0x88,
  NEWFALSE = 0x89,
  LONG1 = 0x8a,
  LONG4 = 0x8b,
  SHORT_BINUNICODE = 0x8c,
  BINUNICODE8 = 0x8d,
  BINBYTES8 = 0x8e,
  EMPTY_SET = 0x8f,
  ADDITEMS = 0x90,
  FROZENSET = 0x91,
  NEWOBJ_EX = 0x92,
  STACK_GLOBAL = 0x93,
  MEMOIZE = 0x94,
  FRAME = 0x95,
  BYTEARRAY8 = 0x96,
  NEXT_BUFFER = 0x97,
  READONLY_BUFFER = 0x98
};

std::string opcode_name(std::uint8_t code) {
  static const std::unordered_map<std::uint8_t, const char*> names = {
      {MARK, "MARK"},
      {STOP, "STOP"},
      {POP, "POP"},
      {POP_MARK, "POP_MARK"},
      {DUP, "DUP"},
      {FLOAT, "FLOAT"},
      {INT, "INT"},
      {BININT, "BININT"},
      {BININT1, "BININT1"},
      {LONG, "LONG"},
      {BININT2, "BININT2"},
      {NONE, "NONE"},
      {PERSID, "PERSID"},
      {BINPERSID, "BINPERSID"},
      {REDUCE, "REDUCE"},
      {STRING, "STRING"},
      {BINSTRING, "BINSTRING"},
      {SHORT_BINSTRING, "SHORT_BINSTRING"},
      {UNICODE, "UNICODE"},
      {BINUNICODE, "BINUNICODE"},
      {APPEND, "APPEND"},
      {BUILD, "BUILD"},
      {GLOBAL, "GLOBAL"},
      {DICT, "DICT"},
      {EMPTY_DICT, "EMPTY_DICT"},
      {APPENDS, "APPENDS"},
      {GET, "GET"},
      {BINGET, "BINGET"},
      {INST, "INST"},
      {LONG_BINGET, "LONG_BINGET"},
      {LIST, "LIST"},
      {EMPTY_LIST, "EMPTY_LIST"},
      {OBJ, "OBJ"},
      {PUT, "PUT"},
      {BINPUT, "BINPUT"},
      {LONG_BINPUT, "LONG_BINPUT"},
      {SETITEM, "SETITEM"},
      {TUPLE, "TUPLE"},
      {EMPTY_TUPLE, "EMPTY_TUPLE"},
      {SETITEMS, "SETITEMS"},
      {BINFLOAT, "BINFLOAT"},
      {BINBYTES, "BINBYTES"},
      {SHORT_BINBYTES, "SHORT_BINBYTES"},
      {PROTO, "PROTO"},
      {NEWOBJ, "NEWOBJ"},
      {EXT1, "EXT1"},
      {EXT2, "EXT2"},
      {EXT4, "EXT4"},
      {TUPLE1, "TUPLE1"},
      {TUPLE2, "TUPLE2"},
      {TUPLE3, "TUPLE3"},
      {NEWTRUE, "NEWTRUE"},
      {NEWFALSE, "NEWFALSE"},
      {LONG1, "LONG1"},
      {LONG4, "LONG4"},
      {SHORT_BINUNICODE, "SHORT_BINUNICODE"},
      {BINUNICODE8, "BINUNICODE8"},
      {BINBYTES8, "BINBYTES8"},
      {EMPTY_SET, "EMPTY_SET"},
      {ADDITEMS, "ADDITEMS"},
      {FROZENSET, "FROZENSET"},
      {NEWOBJ_EX, "NEWOBJ_EX"},
      {STACK_GLOBAL, "STACK_GLOBAL"},
      {MEMOIZE, "MEMOIZE"},
      {FRAME, "FRAME"},
      {BYTEARRAY8, "BYTEARRAY8"},
      {NEXT_BUFFER, "NEXT_BUFFER"},
      {READONLY_BUFFER, "READONLY_BUFFER"}};
  const auto found = names.find(code);
  if (found != names.end()) return found->second;
  static const char* hex = "0123456789abcdef";
  return std::string("0x") + hex[code >> 4] + hex[code & 15];
}

class Reader {
 public:
  Reader(std::string_view stream, const ReadOptions& options)
      : stream_(stream), options_(options) {}

  Value run() {
    while (true) {
      if (position_ >= stream_.size())
        throw PickleError(options_.source + ": truncated stream: ends at byte " +
                          std::to_string(position_) + " without STOP");
      opcode_offset_ = position_;
      opcode_ = take(1)[0];
      if (opcode_ == STOP) return pop();
      try {
        execute();
      } catch (const PickleError&) {
        throw;
      } catch (const std::exception& error) {
        fail(error.what());
      }
    }
  }

 private:
  void execute() {
    switch (opcode_) {
      case PROTO:
        if (const int protocol = static_cast<std::uint8_t>(take(1)[0]); protocol > 5)
          fail("pickle protocol " + std::to_string(protocol) + " is newer than 5");
        return;
      case FRAME:  // frames only help buffered readers; the opcodes inside run as usual
        take(8);
        return;
      case MARK:
        marks_.push_back(stack_.size());
        return;
      case POP:
        pop();
        return;
      case POP_MARK:
        pop_mark();
        return;
      case DUP:
        stack_.push_back(top());
        return;
      case NONE:
        return push(Value());
      case NEWTRUE:
        return push(Value::boolean(true));
      case NEWFALSE:
        return push(Value::boolean(false));
      case BININT:
        return push(Value::integer(static_cast<std::int32_t>(unsigned_le(4))));
      case BININT1:
        return push(Value::integer(unsigned_le(1)));
      case BININT2:
        return push(Value::integer(unsigned_le(2)));
      case LONG1:
        return push(long_integer(unsigned_le(1)));
      case LONG4:
        return push(long_integer(unsigned_le(4)));
      case BINFLOAT:
        return push(Value::real(big_endian_double()));
      case SHORT_BINUNICODE:
        return push(Value::str(std::string(take(unsigned_le(1)))));
      case BINUNICODE:
        return push(Value::str(std::string(take(unsigned_le(4)))));
      case BINUNICODE8:
        return push(Value::str(std::string(take(unsigned_le(8)))));
      case SHORT_BINBYTES:
        return push(Value::bytes(std::string(take(unsigned_le(1)))));
      case BINBYTES:
        return push(Value::bytes(std::string(take(unsigned_le(4)))));
      case BINBYTES8:
      case BYTEARRAY8:
        return push(Value::bytes(std::string(take(unsigned_le(8)))));
      case EMPTY_LIST:
        return push(Value::list());
      case LIST:
        return push(Value::list(pop_mark()));
      case APPEND: {
        Value item = pop();
        return target_items("APPEND").push_back(std::move(item));
      }
      case APPENDS: {
        Items items = pop_mark();
        Items& list = target_items("APPENDS");
        list.insert(list.end(), std::make_move_iterator(items.begin()),
                    std::make_move_iterator(items.end()));
        return;
      }
      case EMPTY_TUPLE:
        return push(Value::tuple());
      case TUPLE:
        return push(Value::tuple(pop_mark()));
      case TUPLE1:
      case TUPLE2:
      case TUPLE3:
        return push(Value::tuple(pop_many(opcode_ - TUPLE1 + 1)));
      case EMPTY_DICT:
        return push(Value::dict(Dict()));
      case DICT: {
        Items pairs = pop_mark();
        push(Value::dict(Dict()));
        return set_items(std::move(pairs));
      }
      case SETITEM:
        return set_items(pop_many(2));
      case SETITEMS:
        return set_items(pop_mark());
      case BINPUT:
        return memoize(unsigned_le(1));
      case LONG_BINPUT:
        return memoize(unsigned_le(4));
      case MEMOIZE:
        return memoize(memo_.size());
      case BINGET:
        return recall(unsigned_le(1));
      case LONG_BINGET:
        return recall(unsigned_le(4));
      case GLOBAL: {
        std::string module = line();
        return push(Value::global(Global{std::move(module), line()}));
      }
      case STACK_GLOBAL: {
        Items names = pop_many(2);
        return push(Value::global(Global{names[0].as_str(), names[1].as_str()}));
      }
      case REDUCE:
      case NEWOBJ: {
        Items callable_and_args = pop_many(2);
        return push(call(callable_and_args[0], callable_and_args[1]));
      }
      case BUILD:
        return build(pop());
      case BINPERSID:
        return push(persistent_object(pop()));
      default:
        if (opcode_name(opcode_).rfind("0x", 0) == 0) fail("unknown opcode");
        fail("unsupported opcode " + opcode_name(opcode_));
    }
  }

  [[noreturn]] void fail(const std::string& reason) const {
    throw PickleError(options_.source + ": " + reason + " (opcode " + opcode_name(opcode_) +
                      " at byte " + std::to_string(opcode_offset_) + ")");
  }

  std::string_view take(std::uint64_t count) {
    if (count > stream_.size() - position_)
      fail("truncated stream: needs " + std::to_string(count) + " more bytes, " +
           std::to_string(stream_.size() - position_) + " left");
    const std::string_view bytes = stream_.substr(position_, count);
    position_ += count;
    return bytes;
  }

  std::uint64_t unsigned_le(int width) {
    const std::string_view bytes = take(width);
    std::uint64_t value = 0;
    for (int i = width; i-- > 0;) value = (value << 8) | static_cast<std::uint8_t>(bytes[i]);
    return value;
  }

  double big_endian_double() {
    const std::string_view bytes = take(8);
    std::uint64_t bits = 0;
    for (const char byte : bytes) bits = (bits << 8) | static_cast<std::uint8_t>(byte);
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }

  // LONG1 / LONG4: little-endian two's complement of any length; we keep what fits int64.
  Value long_integer(std::uint64_t length) {
    if (length > 8)
      fail("integer of " + std::to_string(length) + " bytes does not fit a signed 64-bit integer");
    const std::string_view bytes = take(length);
    std::uint64_t value = 0;
    for (std::size_t i = length; i-- > 0;)
      value = (value << 8) | static_cast<std::uint8_t>(bytes[i]);
    if (length > 0 && length < 8 && (static_cast<std::uint8_t>(bytes.back()) & 0x80))
      value |= ~std::uint64_t{0} << (8 * length);  // sign-extend
    return Value::integer(static_cast<std::int64_t>(value));
  }

  std::string line() {
    const std::size_t end = stream_.find('\n', position_);
    if (end == std::string_view::npos) fail("truncated stream: no end of line");
    std::string text(stream_.substr(position_, end - position_));
    position_ = end + 1;
    return text;
  }

  void push(Value value) { stack_.push_back(std::move(value)); }

  Value& top() {
    if (stack_.empty() || (!marks_.empty() && marks_.back() == stack_.size()))
      fail("stack underflow");
    return stack_.back();
  }

  Value pop() {
    Value value = std::move(top());
    stack_.pop_back();
    return value;
  }

  Items pop_many(std::size_t count) {
    const std::size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() < floor + count) fail("stack underflow");
    Items values(std::make_move_iterator(stack_.end() - count),
                 std::make_move_iterator(stack_.end()));
    stack_.resize(stack_.size() - count);
    return values;
  }

  Items pop_mark() {
    if (marks_.empty()) fail("no MARK to pop to");
    const std::size_t mark = marks_.back();
    marks_.pop_back();
    Items values(std::make_move_iterator(stack_.begin() + mark),
                 std::make_move_iterator(stack_.end()));
    stack_.resize(mark);
    return values;
  }

  Items& target_items(const char* what) {
    Value& target = top();
    if (target.kind() != Value::Kind::list) fail(std::string(what) + " to a " + target.kind_name());
    return target.mutable_items();
  }

  void set_items(Items keys_and_values) {
    if (keys_and_values.size() % 2) fail("odd number of keys and values");
    Value& target = top();
    if (target.kind() != Value::Kind::dict) fail("setting items of a " + target.kind_name());
    for (std::size_t i = 0; i < keys_and_values.size(); i += 2)
      target.mutable_dict().set(std::move(keys_and_values[i]), std::move(keys_and_values[i + 1]));
  }

  void memoize(std::uint64_t index) { memo_[index] = top(); }

  void recall(std::uint64_t index) {
    const auto found = memo_.find(index);
    if (found == memo_.end()) fail("memo entry " + std::to_string(index) + " missing");
    push(found->second);
  }

  Value call(const Value& callable, const Value& args) {
    if (callable.kind() != Value::Kind::global) fail("calling a " + callable.kind_name());
    const Global& global = callable.as_global();
    if (auto value = detail::call_known_global(global, args)) return *value;
    if (options_.resolve_global) {
      if (auto value = options_.resolve_global(global, args)) return *value;
    }
    fail("unsupported global " + global.qualified());
  }

  // BUILD: numpy arrays appear here; other objects keep the state; dicts take it as attributes.
  void build(Value state) {
    Value& target = top();
    if (detail::is_pending_ndarray(target)) {
      const Value placeholder = target;
      Value array = detail::build_ndarray(state);
      for (auto& entry : memo_)
        if (entry.second.same_as(placeholder)) entry.second = array;
      target = std::move(array);
    } else if (target.kind() == Value::Kind::object) {
      target.mutable_object().state = std::move(state);
    } else if (target.kind() == Value::Kind::dict) {
      target.mutable_dict().attributes = std::move(state);
    } else {
      fail("BUILD on a " + target.kind_name());
    }
  }

  Value persistent_object(const Value& persistent_id) {
    if (!options_.persistent_load) fail("persistent id without a persistent_load hook");
    return options_.persistent_load(persistent_id);
  }

  std::string_view stream_;
  const ReadOptions& options_;
  std::size_t position_ = 0;
  std::size_t opcode_offset_ = 0;
  std::uint8_t opcode_ = 0;
  Items stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::uint64_t, Value> memo_;
};

}  // namespace

Value read_pickle(std::string_view stream, const ReadOptions& options) {
  return Reader(stream, options).run();
}

Value read_pickle_file(const std::filesystem::path& path, ReadOptions options) {
  const std::string contents = facemap::detail::read_binary_file<PickleError>(path);
  if (options.source == ReadOptions().source) options.source = path.string();
  return read_pickle(contents, options);
}

}  // namespace facemap::pickle
