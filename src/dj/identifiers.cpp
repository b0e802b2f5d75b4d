#include "dj/identifiers.hpp"

#include <cctype>
#include <regex>
#include <stdexcept>

namespace dj {
namespace {
const std::regex& lower_name_pattern() {
  static const std::regex pattern("[a-z][a-z0-9_]*");
  return pattern;
}
const std::string kSegment = "[a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*";
}  // namespace

std::string tier_name(Tier tier) {
  switch (tier) {
    case Tier::manual:
      return "manual";
    case Tier::lookup:
      return "lookup";
    case Tier::imported:
      return "imported";
    case Tier::computed:
      return "computed";
    case Tier::part:
      return "part";
  }
  return "?";
}

void validate_schema_name(const std::string& name) {
  if (name.size() > 63 || !std::regex_match(name, lower_name_pattern())) {
    throw std::invalid_argument("invalid schema name '" + name +
                                "': use lower-case letters, digits and '_', starting with a "
                                "letter, at most 63 characters");
  }
}

void validate_attribute_name(const std::string& name) {
  if (name.size() > 63 || !std::regex_match(name, lower_name_pattern())) {
    throw std::invalid_argument("invalid attribute name '" + name +
                                "': use lower-case letters, digits and '_', starting with a "
                                "letter, at most 63 characters");
  }
}

void validate_class_name(const std::string& name) {
  static const std::regex pattern("[A-Z][A-Za-z0-9]*");
  if (!std::regex_match(name, pattern)) {
    throw std::invalid_argument("invalid table class name '" + name +
                                "': use CamelCase letters and digits, starting with a capital");
  }
}

std::string to_snake_case(const std::string& class_name) {
  validate_class_name(class_name);
  std::string out;
  for (size_t i = 0; i < class_name.size(); ++i) {
    const char c = class_name[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (i > 0) out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

std::string to_class_name(const std::string& table_segment) {
  std::string out;
  bool capitalise = true;
  for (char c : table_segment) {
    if (c == '_' || c == '#') {
      capitalise = true;
      continue;
    }
    out += capitalise ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    capitalise = false;
  }
  return out;
}

std::string master_table_name(const std::string& class_name, Tier tier) {
  const std::string snake = to_snake_case(class_name);
  switch (tier) {
    case Tier::manual:
      return snake;
    case Tier::lookup:
      return "#" + snake;
    case Tier::imported:
      return "_" + snake;
    case Tier::computed:
      return "__" + snake;
    case Tier::part:
      break;
  }
  throw std::invalid_argument("a part table's name needs its master: " + class_name);
}

std::string part_table_name(const std::string& master_table, const std::string& part_class) {
  return master_table + "__" + to_snake_case(part_class);
}

Tier tier_of_table_name(const std::string& table_name, std::string* master_table) {
  static const std::regex lookup("#" + kSegment);
  static const std::regex manual(kSegment);
  static const std::regex imported("_" + kSegment);
  static const std::regex computed("__" + kSegment);
  static const std::regex part("((?:#|_|__)?" + kSegment + ")__" + kSegment);
  if (std::regex_match(table_name, lookup)) return Tier::lookup;
  if (std::regex_match(table_name, manual)) return Tier::manual;
  if (std::regex_match(table_name, imported)) return Tier::imported;
  if (std::regex_match(table_name, computed)) return Tier::computed;
  std::smatch match;
  if (std::regex_match(table_name, match, part)) {
    if (master_table) *master_table = match[1].str();
    return Tier::part;
  }
  throw std::invalid_argument("'" + table_name + "' is not a DataJoint table name");
}

std::string class_name_of_table(const std::string& table_name) {
  std::string master;
  if (tier_of_table_name(table_name, &master) == Tier::part)
    return to_class_name(master) + "." + to_class_name(table_name.substr(master.size() + 2));
  return to_class_name(table_name);
}

bool is_user_table_name(const std::string& table_name) {
  try {
    tier_of_table_name(table_name);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

std::string quote_identifier(const std::string& name) {
  if (name.find('"') != std::string::npos || name.find('\0') != std::string::npos) {
    throw std::invalid_argument("identifier '" + name + "' contains a double quote");
  }
  return "\"" + name + "\"";
}

std::string qualified_name(const std::string& schema, const std::string& table) {
  return quote_identifier(schema) + "." + quote_identifier(table);
}

std::string quote_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\0') throw std::invalid_argument("text for SQL contains a NUL character");
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

}  // namespace dj
