#include "value_sql.hpp"

#include "dj/attach.hpp"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace dj::detail {
namespace {

// PostgreSQL type OIDs of the built-in types we convert (pg_type.h; stable across versions).
constexpr pqxx::oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26,
                    kJson = 114, kFloat4 = 700, kFloat8 = 701, kJsonb = 3802;

[[noreturn]] void mismatch(const Attribute& attribute, const Value& value, const char* expected) {
  throw std::invalid_argument("attribute '" + attribute.name + "' (" + attribute.display_type() +
                              ") cannot take " + value.to_display() + ": expected " + expected);
}

std::string format_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

/// Hex digit values (-1 for other characters), for decoding large bytea values quickly.
const std::array<std::int8_t, 256>& hex_values() {
  static const std::array<std::int8_t, 256> table = [] {
    std::array<std::int8_t, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<std::int8_t>(i);
    for (int i = 0; i < 6; ++i) t['a' + i] = t['A' + i] = static_cast<std::int8_t>(10 + i);
    return t;
  }();
  return table;
}

/// The offset of the first byte of `text` that does not start a valid UTF-8 character, or npos.
/// glibc's iconv decodes UTF-8 strictly (no overlong forms, surrogates or bytes past U+10FFFF),
/// as PostgreSQL checks it.
size_t invalid_utf8_offset(const std::string& text) {
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return std::string::npos;  // ASCII, the common case, needs no decoder
  const iconv_t decoder = iconv_open("UTF-8", "UTF-8");
  if (decoder == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv has no UTF-8");
  std::string input = text;
  char* in = input.data();
  size_t in_left = input.size();
  std::string output(4096, '\0');
  size_t offset = std::string::npos;
  while (in_left > 0) {
    char* out = output.data();
    size_t out_left = output.size();
    if (iconv(decoder, &in, &in_left, &out, &out_left) == static_cast<size_t>(-1) &&
        errno != E2BIG) {
      offset = static_cast<size_t>(in - input.data());  // EILSEQ, or EINVAL: cut at the end
      break;
    }
  }
  iconv_close(decoder);
  return offset;
}

/// Throws naming the attribute when `text` cannot be PostgreSQL text: a NUL would silently
/// end it (libpq sends C strings) and the server rejects invalid UTF-8 without naming the
/// attribute.
void check_text(const Attribute& attribute, const Value& value, const std::string& text) {
  if (const size_t nul = text.find('\0'); nul != std::string::npos) {
    mismatch(attribute, value,
             ("text without NUL characters (one at byte " + std::to_string(nul) +
              "; binary data belongs in a blob or bytes attribute)")
                 .c_str());
  }
  if (const size_t bad = invalid_utf8_offset(text); bad != std::string::npos) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned char>(text[bad]));
    mismatch(attribute, value,
             ("valid UTF-8 text (byte " + std::string(byte) + " at offset " + std::to_string(bad) +
              " is not; binary data belongs in a blob or bytes attribute)")
                 .c_str());
  }
}

}  // namespace

std::string to_bytea_hex(const std::string& bytes) {
  static const char* hex = "0123456789abcdef";
  std::string out(2 + 2 * bytes.size(), '\0');
  out[0] = '\\';
  out[1] = 'x';
  char* dst = &out[2];
  for (unsigned char c : bytes) {
    *dst++ = hex[c >> 4];
    *dst++ = hex[c & 15];
  }
  return out;
}

std::string from_bytea_hex(const char* text, size_t size) {
  if (size < 2 || text[0] != '\\' || text[1] != 'x' || size % 2 != 0) {
    throw std::runtime_error("bytea value is not in hex format (set bytea_output = 'hex')");
  }
  const auto& values = hex_values();
  std::string out((size - 2) / 2, '\0');
  const auto* digits = reinterpret_cast<const unsigned char*>(text + 2);
  int invalid = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = values[digits[2 * i]];
    const int lo = values[digits[2 * i + 1]];
    invalid |= hi | lo;  // negative when any digit was not hex
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  if (invalid < 0) throw std::runtime_error("bytea value holds a non-hex character");
  return out;
}

SqlParam to_param(const Value& value, const Attribute& attribute) {
  if (value.is_null()) return std::nullopt;
  switch (attribute.category) {
    case TypeCategory::blob:
      if (value.holds<Blob>()) return to_bytea_hex(value.as<Blob>().packed);
      mismatch(attribute, value, "a dj::Blob (see dj/blob.hpp)");
    case TypeCategory::attach:
      if (value.holds<Attachment>()) {
        try {
          return to_bytea_hex(pack_attachment(value.as<Attachment>()));
        } catch (const std::invalid_argument& e) {
          throw std::invalid_argument("attribute '" + attribute.name + "': " + e.what());
        }
      }
      mismatch(attribute, value, "a dj::Attachment");
    case TypeCategory::bytes:
      if (value.holds<Bytes>()) return to_bytea_hex(value.as<Bytes>().data);
      mismatch(attribute, value, "dj::Bytes");
    case TypeCategory::json:
      if (value.holds<nlohmann::json>()) {
        try {
          return value.as<nlohmann::json>().dump();
        } catch (const nlohmann::json::exception& e) {  // text in it that is not UTF-8
          throw std::invalid_argument("attribute '" + attribute.name + "': " + e.what());
        }
      }
      if (value.holds<std::string>()) {
        check_text(attribute, value, value.as<std::string>());
        return value.as<std::string>();
      }
      mismatch(attribute, value, "JSON");
    default:
      break;
  }
  if (value.holds<bool>()) return std::string(value.as<bool>() ? "true" : "false");
  if (value.holds<std::int64_t>()) return std::to_string(value.as<std::int64_t>());
  if (value.holds<double>()) return format_double(value.as<double>());
  if (value.holds<std::string>()) {
    const auto& text = value.as<std::string>();
    check_text(attribute, value, text);
    return text;
  }
  mismatch(attribute, value, "a scalar");
}

Value from_field(const pqxx::field& field, const Attribute* attribute) {
  if (field.is_null()) return {};
  const char* text = field.c_str();
  const size_t size = field.size();
  switch (field.type()) {
    case kBool:
      return Value(text[0] == 't');
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      return Value(static_cast<long long>(std::strtoll(text, nullptr, 10)));
    case kFloat4:
    case kFloat8:
      return Value(std::strtod(text, nullptr));
    case kJson:
    case kJsonb:
      return Value(nlohmann::json::parse(text, text + size));
    case kBytea: {
      std::string bytes = from_bytea_hex(text, size);
      const TypeCategory category = attribute ? attribute->category : TypeCategory::bytes;
      if (category == TypeCategory::blob) return Value(Blob{std::move(bytes)});
      if (category == TypeCategory::attach) {
        try {
          return Value(unpack_attachment(bytes));
        } catch (const std::invalid_argument& e) {
          throw std::runtime_error("attach value of '" + attribute->name + "': " + e.what());
        }
      }
      return Value(Bytes{std::move(bytes)});
    }
    default:
      return Value(std::string(text, size));
  }
}

std::vector<Row> rows_of(const pqxx::result& result, const Heading& heading) {
  auto names = std::make_shared<std::vector<std::string>>();
  std::vector<const Attribute*> attributes;
  for (pqxx::row::size_type c = 0; c < result.columns(); ++c) {
    names->push_back(result.column_name(c));
    attributes.push_back(heading.has(names->back()) ? &heading.at(names->back()) : nullptr);
  }
  std::vector<Row> rows;
  rows.reserve(result.size());
  for (const auto& row : result) {
    std::vector<Value> values;
    values.reserve(row.size());
    for (pqxx::row::size_type c = 0; c < row.size(); ++c) {
      values.push_back(from_field(row[c], attributes[c]));
    }
    rows.emplace_back(names, std::move(values));
  }
  return rows;
}

}  // namespace dj::detail
