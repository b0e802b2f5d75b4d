// Values checked against their attribute's declared type before insert() sends them.

#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <regex>
#include <unordered_map>

#include "dj/calendar.hpp"
#include "dj/table.hpp"
#include "insert_check.hpp"
#include "text.hpp"

namespace dj::detail {
namespace {

/// Why a value cannot be stored: the text after the value in the message, or nothing.
using Problem = std::optional<std::string>;

/// The number in "varchar(32)" / "char(4)" / "decimal(8,3)" at `index` (0: first), or -1.
long type_number(const std::string& type, int index) {
  static const std::regex numbers(R"(\((\d+)(?:\s*,\s*(\d+))?\))");
  std::smatch m;
  if (!std::regex_search(type, m, numbers) || !m[index + 1].matched) return -1;
  return std::stol(m[index + 1].str());
}

/// UTF-8 characters, as PostgreSQL counts a varchar's length.
size_t characters(const std::string& text) {
  size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

/// What values of one attribute are checked against, read from its type once per insert() call.
struct Limits {
  long width = -1;  ///< n of varchar(n) / char(n), or of decimal(n, s); -1: none
  long scale = 0;   ///< s of decimal(n, s)
};

Limits limits_of(const Attribute& a) {
  return {type_number(a.sql_type, 0), std::max(0L, type_number(a.sql_type, 1))};
}

Problem text_problem(const Attribute& a, const Limits& limits, const Value& v) {
  std::string text;
  if (v.holds<std::string>()) {
    text = v.as<std::string>();
  } else if (v.holds<std::int64_t>()) {
    text = std::to_string(v.as<std::int64_t>());  // an id given as a number is its digits
  } else {
    return "is not text (" + a.display_type() + ")";
  }
  const long limit = limits.width;
  if (limit >= 0 && characters(text) > static_cast<size_t>(limit)) {
    return "is " + std::to_string(characters(text)) + " characters, longer than " +
           a.display_type();
  }
  return std::nullopt;
}

/// The smallest and largest value of an integer attribute: by its core type (int8 is stored as
/// smallint, which would take 200 in silence), else by its SQL type.
std::pair<std::int64_t, std::int64_t> integer_range(const Attribute& a) {
  const std::string type = a.core_type.empty() ? a.sql_type : a.core_type;
  if (type == "int8") return {-128, 127};
  if (type == "int16" || type == "smallint") return {-32768, 32767};
  if (type == "int32" || type == "integer")
    return {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()};
  return {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()};
}

Problem integer_problem(const Attribute& a, const Value& v) {
  const std::string not_integer = "is not an integer (" + a.display_type() + ")";
  std::int64_t number = 0;
  if (v.holds<std::int64_t>()) {
    number = v.as<std::int64_t>();
  } else if (v.holds<double>()) {
    // PostgreSQL would round 2.5 to an integer without a word.
    const double d = v.as<double>();
    if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) >= 9.2e18) return not_integer;
    number = static_cast<std::int64_t>(d);
  } else if (v.holds<std::string>()) {
    const std::string& text = v.as<std::string>();
    const char* begin = text.data() + (text.rfind('+', 0) == 0 ? 1 : 0);
    const auto [end, error] = std::from_chars(begin, text.data() + text.size(), number);
    if (error == std::errc::result_out_of_range)
      return "is out of range for " + a.display_type() + " (a 64-bit integer)";
    if (error != std::errc() || end != text.data() + text.size() || begin == end)
      return not_integer;
  } else {
    return not_integer;
  }
  const auto [low, high] = integer_range(a);
  if (number < low || number > high) {
    return "is out of range for " + a.display_type() + " (" + std::to_string(low) + " to " +
           std::to_string(high) + ")";
  }
  return std::nullopt;
}

Problem floating_problem(const Attribute& a, const Value& v) {
  double number = 0;
  if (v.holds<double>()) {
    number = v.as<double>();
  } else if (v.holds<std::int64_t>()) {
    number = static_cast<double>(v.as<std::int64_t>());
  } else if (v.holds<std::string>()) {
    const std::string& text = v.as<std::string>();
    char* end = nullptr;
    number = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size())
      return "is not a number (" + a.display_type() + ")";
  } else {
    return "is not a number (" + a.display_type() + ")";
  }
  const bool single = a.core_type == "float32" || a.sql_type == "real";
  if (std::isfinite(number) && std::fabs(number) > (single ? FLT_MAX : DBL_MAX))
    return "is out of range for " + a.display_type();
  return std::nullopt;
}

Problem decimal_problem(const Attribute& a, const Limits& limits, const Value& v) {
  const long precision = limits.width;
  const long scale = limits.scale;
  const std::string not_number = "is not a decimal number (" + a.display_type() + ")";
  long integer_digits = 0;
  if (v.holds<std::int64_t>() || v.holds<double>()) {
    const double d = v.holds<double>() ? v.as<double>() : static_cast<double>(v.as<std::int64_t>());
    if (std::isnan(d)) return std::nullopt;  // numeric stores NaN
    if (!std::isfinite(d)) return not_number;
    integer_digits =
        std::fabs(d) < 1 ? 0 : static_cast<long>(std::floor(std::log10(std::fabs(d)))) + 1;
  } else if (v.holds<std::string>()) {
    static const std::regex pattern(R"(^[+-]?0*(\d*)(\.\d*)?$)");
    std::smatch m;
    const std::string& text = v.as<std::string>();
    if (!std::regex_match(text, m, pattern) ||
        text.find_first_of("0123456789") == std::string::npos)
      return not_number;
    integer_digits = static_cast<long>(m[1].length());
  } else {
    return not_number;
  }
  if (precision > 0 && integer_digits > precision - scale) {
    return "is out of range for " + a.display_type() + " (at most " +
           std::to_string(precision - scale) + " digits before the point)";
  }
  return std::nullopt;
}

Problem boolean_problem(const Attribute& a, const Value& v) {
  if (v.holds<bool>()) return std::nullopt;
  if (v.holds<std::int64_t>() && (v.as<std::int64_t>() == 0 || v.as<std::int64_t>() == 1))
    return std::nullopt;
  if (v.holds<std::string>()) {
    // The spellings PostgreSQL's boolean input takes.
    static const std::regex spellings(R"(^(t|true|f|false|y|yes|n|no|on|off|1|0)$)",
                                      std::regex::icase);
    if (std::regex_match(v.as<std::string>(), spellings)) return std::nullopt;
  }
  return "is not a boolean (" + a.display_type() + ": true, false, 1 or 0)";
}

Problem enum_problem(const Attribute& a, const Value& v) {
  if (v.holds<std::string>()) {
    for (const auto& allowed : a.enum_values)
      if (v.as<std::string>() == allowed) return std::nullopt;
  }
  std::vector<std::string> quoted;
  for (const auto& allowed : a.enum_values) quoted.push_back("'" + allowed + "'");
  return "is not one of " + join(quoted, ", ");
}

/// Dates and times in ISO 8601 only: PostgreSQL also reads "05/06/2024" (month first or day
/// first, by a session setting), "today" and "epoch", and drops a time zone offset from a
/// datetime without a word.
Problem temporal_problem(const Attribute& a, const Value& v) {
  const std::string what = a.category == TypeCategory::date ? "a date (YYYY-MM-DD)"
                           : a.category == TypeCategory::datetime
                               ? "a datetime (YYYY-MM-DD HH:MM:SS[.ffffff])"
                               : "a time (HH:MM:SS[.ffffff])";
  const Problem wrong = "is not " + what;
  if (!v.holds<std::string>()) return wrong;
  static const std::regex date(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  static const std::regex datetime(
      R"(^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$)");
  static const std::regex time(R"(^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$)");
  std::smatch m;
  const std::string& text = v.as<std::string>();
  const auto number = [&](int i) { return m[i].matched ? std::stoi(m[i].str()) : 0; };
  if (a.category == TypeCategory::time) {
    if (!std::regex_match(text, m, time) || number(1) > 24 || number(2) > 59 || number(3) > 59)
      return wrong;
    return std::nullopt;
  }
  if (!std::regex_match(text, m, a.category == TypeCategory::date ? date : datetime) ||
      !is_calendar_day(number(1), number(2), number(3)))
    return wrong;
  if (a.category == TypeCategory::datetime && (number(4) > 23 || number(5) > 59 || number(6) > 59))
    return wrong;
  return std::nullopt;
}

Problem uuid_problem(const Attribute& a, const Value& v) {
  static const std::regex pattern(
      R"(^\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$)");
  if (v.holds<std::string>() && std::regex_match(v.as<std::string>(), pattern)) return std::nullopt;
  return "is not a UUID (" + a.display_type() + ")";
}

Problem value_problem(const Attribute& a, const Limits& limits, const Value& v) {
  switch (a.category) {
    case TypeCategory::string:
      return text_problem(a, limits, v);
    case TypeCategory::integer:
      return integer_problem(a, v);
    case TypeCategory::floating:
      return floating_problem(a, v);
    case TypeCategory::decimal:
      return decimal_problem(a, limits, v);
    case TypeCategory::boolean:
      return boolean_problem(a, v);
    case TypeCategory::enumeration:
      return enum_problem(a, v);
    case TypeCategory::date:
    case TypeCategory::datetime:
    case TypeCategory::time:
      return temporal_problem(a, v);
    case TypeCategory::uuid:
      return uuid_problem(a, v);
    case TypeCategory::blob:
      return v.holds<Blob>() ? Problem()
                             : "is not a dj::Blob (" + a.display_type() + ", see dj/blob.hpp)";
    case TypeCategory::attach:
      return v.holds<Attachment>() ? Problem()
                                   : "is not a dj::Attachment (" + a.display_type() + ")";
    case TypeCategory::bytes:
      return v.holds<Bytes>() ? Problem() : "is not dj::Bytes (" + a.display_type() + ")";
    case TypeCategory::json:
      return v.holds<nlohmann::json>() || v.holds<std::string>()
                 ? Problem()
                 : "is not JSON (" + a.display_type() + ")";
  }
  return std::nullopt;
}

}  // namespace

void check_values(const Heading& heading, const std::string& class_name,
                  const std::vector<Row>& rows) {
  const auto& attributes = heading.attributes;
  std::vector<Limits> limits;
  std::unordered_map<std::string, size_t> position;
  for (size_t i = 0; i < attributes.size(); ++i) {
    limits.push_back(limits_of(attributes[i]));
    position.emplace(attributes[i].name, i);
  }
  const auto refuse = [&](const Attribute& a, const std::string& what) {
    throw InsertError(class_name + "." + a.name + ": " + what);
  };
  std::vector<bool> given(attributes.size());
  for (const Row& row : rows) {
    std::fill(given.begin(), given.end(), false);
    for (size_t v = 0; v < row.size(); ++v) {
      const auto it = position.find(row.names()[v]);
      if (it == position.end()) continue;  // insert() refuses or drops it
      const Attribute& a = attributes[it->second];
      const Value& value = row.values()[v];
      given[it->second] = !value.is_null();
      if (value.is_null()) continue;
      if (const Problem problem = value_problem(a, limits[it->second], value))
        refuse(a, value.to_display() + " " + *problem);
    }
    for (size_t i = 0; i < attributes.size(); ++i) {
      const Attribute& a = attributes[i];
      if (given[i] || a.nullable || a.default_sql) continue;
      refuse(a, std::string(row.has(a.name) ? "NULL" : "missing") +
                    "; the attribute is required (not nullable, no default)");
    }
  }
}

}  // namespace dj::detail
