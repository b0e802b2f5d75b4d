// Declared type -> core type, SQL type and category (the mapping in docs of datajoint-compat,
// section 2.3, plus our mapping of MySQL-era names to core types).

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "dj/declare.hpp"
#include "text.hpp"

namespace dj {
namespace {

AttributeType integer(const std::string& core) {
  static const std::map<std::string, std::string> sql = {
      {"int8", "smallint"}, {"int16", "smallint"}, {"int32", "integer"}, {"int64", "bigint"}};
  return {core, sql.at(core), TypeCategory::integer, {}};
}

std::vector<std::string> parse_enum_values(const std::string& inside) {
  // DataJoint splits naively on ',' and strips whitespace and quotes; values with commas or
  // quotes are unsupported there, so refuse them here rather than hash them differently.
  std::vector<std::string> values;
  for (const auto& raw : split(inside, ',')) {
    std::string value = trim(raw);
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    if (value.empty() || value.find_first_of("'\"") != std::string::npos) {
      throw DefinitionError("enum value " + raw + " is empty or holds a quote");
    }
    values.push_back(value);
  }
  return values;
}

}  // namespace

std::string enum_type_name(const std::vector<std::string>& values) {
  std::vector<std::string> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  std::string joined;
  for (const auto& v : sorted) joined += (joined.empty() ? "" : "_") + v;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(joined.data(), joined.size(), digest, &length, EVP_md5(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string name = "enum_";
  for (int i = 0; i < 4; ++i) {
    name += hex[digest[i] >> 4];
    name += hex[digest[i] & 15];
  }
  return name;
}

AttributeType resolve_type(const std::string& declared, const std::string& schema) {
  const std::string text = trim(declared);
  const std::string lower = to_lower(text);
  // Collapse inner whitespace so "int  unsigned" and "int unsigned" agree.
  const std::string canonical = std::regex_replace(lower, std::regex("\\s+"), " ");
  static const std::map<std::string, std::string> integer_aliases = {
      {"int8", "int8"},
      {"int16", "int16"},
      {"int32", "int32"},
      {"int64", "int64"},
      {"tinyint", "int8"},
      {"smallint", "int16"},
      {"mediumint", "int32"},
      {"int", "int32"},
      {"integer", "int32"},
      {"bigint", "int64"},
      {"uint8", "int16"},
      {"uint16", "int32"},
      {"uint32", "int64"},
      {"tinyint unsigned", "int16"},
      {"smallint unsigned", "int32"},
      {"mediumint unsigned", "int32"},
      {"int unsigned", "int64"},
      {"integer unsigned", "int64"}};
  if (auto it = integer_aliases.find(canonical); it != integer_aliases.end()) {
    return integer(it->second);
  }
  if (canonical == "bigint unsigned" || canonical == "uint64") {
    // No wider signed integer exists; 20 decimal digits hold every uint64.
    return {"decimal(20,0)", "numeric(20,0)", TypeCategory::decimal, {}};
  }
  if (canonical == "float" || canonical == "float32" || canonical == "real") {
    return {"float32", "real", TypeCategory::floating, {}};
  }
  if (canonical == "double" || canonical == "double precision" || canonical == "float64") {
    return {"float64", "double precision", TypeCategory::floating, {}};
  }
  if (canonical == "bool" || canonical == "boolean")
    return {"bool", "boolean", TypeCategory::boolean, {}};
  if (canonical == "date") return {"date", "date", TypeCategory::date, {}};
  if (canonical == "datetime" || canonical == "timestamp") {
    return {"datetime", "timestamp", TypeCategory::datetime, {}};
  }
  if (canonical == "time") return {"", "time", TypeCategory::time, {}};
  if (canonical == "json" || canonical == "jsonb") return {"json", "jsonb", TypeCategory::json, {}};
  if (canonical == "uuid") return {"uuid", "uuid", TypeCategory::uuid, {}};
  if (canonical == "bytes") return {"bytes", "bytea", TypeCategory::bytes, {}};
  if (canonical == "longblob" || canonical == "blob" || canonical == "mediumblob" ||
      canonical == "tinyblob" || canonical == "<blob>") {
    return {"<blob>", "bytea", TypeCategory::blob, {}};
  }
  if (canonical == "attach" || canonical == "<attach>") {
    return {"<attach>", "bytea", TypeCategory::attach, {}};
  }
  std::smatch m;
  static const std::regex datetime_precision(R"((datetime|timestamp)\s*\(\s*(\d)\s*\))");
  if (std::regex_match(canonical, m, datetime_precision)) {
    return {"datetime(" + m[2].str() + ")",
            "timestamp(" + m[2].str() + ")",
            TypeCategory::datetime,
            {}};
  }
  static const std::regex sized_string(R"((varchar|char)\s*\(\s*(\d+)\s*\))");
  if (std::regex_match(canonical, m, sized_string)) {
    const std::string t = m[1].str() + "(" + m[2].str() + ")";
    return {t, t, TypeCategory::string, {}};
  }
  static const std::regex decimal(
      R"((decimal|numeric)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)( unsigned)?)");
  if (std::regex_match(canonical, m, decimal)) {
    const std::string scale = m[3].matched ? m[3].str() : "0";
    return {"decimal(" + m[2].str() + "," + scale + ")",
            "numeric(" + m[2].str() + "," + scale + ")",
            TypeCategory::decimal,
            {}};
  }
  static const std::regex enumeration(R"(enum\s*\((.*)\))", std::regex::icase);
  if (std::regex_match(text, m, enumeration)) {
    AttributeType type;
    type.enum_values = parse_enum_values(m[1].str());
    type.core = text;
    type.sql = qualified_name(schema, enum_type_name(type.enum_values));
    type.category = TypeCategory::enumeration;
    return type;
  }
  if (canonical == "text") return {"", "text", TypeCategory::string, {}};
  throw DefinitionError("unsupported attribute type '" + text + "'");
}

TypeCategory category_of(const std::string& core_type, const std::string& sql_type) {
  if (!core_type.empty()) {
    try {
      return resolve_type(core_type, "s").category;
    } catch (const DefinitionError&) {
      // An unknown codec or type from another writer: fall back to the catalog type.
    }
  }
  const std::string t = to_lower(sql_type);
  if (t == "smallint" || t == "integer" || t == "bigint") return TypeCategory::integer;
  if (t == "real" || t == "double precision") return TypeCategory::floating;
  if (t.rfind("numeric", 0) == 0 || t.rfind("decimal", 0) == 0) return TypeCategory::decimal;
  if (t == "boolean") return TypeCategory::boolean;
  if (t == "date") return TypeCategory::date;
  if (t.rfind("timestamp", 0) == 0) return TypeCategory::datetime;
  if (t.rfind("time", 0) == 0) return TypeCategory::time;
  if (t == "json" || t == "jsonb") return TypeCategory::json;
  if (t == "uuid") return TypeCategory::uuid;
  if (t == "bytea") return TypeCategory::bytes;
  if (t.find("enum_") != std::string::npos) return TypeCategory::enumeration;
  return TypeCategory::string;
}

}  // namespace dj
