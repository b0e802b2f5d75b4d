// The non-numpy globals the pickle reader knows: OrderedDict and protocol 2's spellings of
// bytes (protocol 2 has no bytes opcode, so Python writes _codecs.encode(text, "latin1")).

#include <stdexcept>

#include "pickle_globals.hpp"

namespace facemap::pickle::detail {
namespace {

// Python's str.encode("latin1") of UTF-8 text: every code point must be below 256.
std::string latin1_from_utf8(const std::string& utf8) {
  std::string latin1;
  for (std::size_t at = 0; at < utf8.size(); ++at) {
    const auto lead = static_cast<unsigned char>(utf8[at]);
    if (lead < 0x80) {
      latin1 += static_cast<char>(lead);
    } else if ((lead == 0xC2 || lead == 0xC3) && at + 1 < utf8.size()) {
      const auto next = static_cast<unsigned char>(utf8[++at]);
      latin1 += static_cast<char>(((lead & 0x1F) << 6) | (next & 0x3F));
    } else {
      throw std::invalid_argument("text is not encodable as latin-1");
    }
  }
  return latin1;
}

// _codecs.encode(text, encoding) and bytearray(text, encoding); bytearray(bytes) too.
Value encoded_bytes(const Global& callable, const Items& args) {
  if (args.size() == 1 && args[0].kind() == Value::Kind::bytes) return args[0];
  if (args.size() == 2) {
    const std::string& encoding = args[1].as_str();
    if (encoding == "latin1" || encoding == "latin-1")
      return Value::bytes(latin1_from_utf8(args[0].as_str()));
  }
  throw std::invalid_argument(callable.qualified() +
                              " is supported only for bytes or latin-1 text");
}

// OrderedDict() or OrderedDict([(key, value), ...]).
Value ordered_dict(const Items& args) {
  Dict dict;
  if (!args.empty()) {
    for (const Value& pair : args.at(0).items()) {
      const Items& key_value = pair.items();
      if (key_value.size() != 2)
        throw std::invalid_argument("OrderedDict item is not a (key, value) pair");
      dict.set(key_value[0], key_value[1]);
    }
  }
  return Value::dict(std::move(dict));
}

}  // namespace

std::optional<Value> call_known_global(const Global& callable, const Value& args) {
  const Items& arguments = args.as_tuple();
  if (auto numpy_value = call_numpy_global(callable, arguments)) return numpy_value;
  if (callable == Global{"collections", "OrderedDict"}) return ordered_dict(arguments);
  if (callable == Global{"_codecs", "encode"} || callable == Global{"builtins", "bytearray"})
    return encoded_bytes(callable, arguments);
  return std::nullopt;
}

}  // namespace facemap::pickle::detail
