// Definition text -> ParsedDefinition.

#include <regex>
#include <sstream>

#include "dj/declare.hpp"
#include "text.hpp"

namespace dj {
namespace {

class LineError {
 public:
  LineError(const std::string& table, int line, const std::string& text)
      : prefix_("table " + table + ", line " + std::to_string(line) + " '" + trim(text) + "': ") {}
  [[noreturn]] void fail(const std::string& reason) const {
    throw DefinitionError(prefix_ + reason);
  }

 private:
  std::string prefix_;
};

ForeignKeyLine parse_foreign_key(const std::string& body, const LineError& error) {
  static const std::regex pattern(
      R"(^\s*(?:\[([^\]]*)\])?\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*?)(?:\.proj\((.*)\))?\s*$)");
  std::smatch m;
  if (!std::regex_match(body, m, pattern))
    error.fail("expected '-> [options] Parent[.proj(new='old')]'");
  ForeignKeyLine fk;
  fk.reference = m[2].str();
  if (m[1].matched) {
    for (const auto& raw : split(m[1].str(), ',')) {
      const std::string option = to_lower(trim(raw));
      if (option == "nullable") {
        fk.nullable = true;
      } else if (option == "unique") {
        fk.unique = true;
      } else {
        error.fail("unknown foreign-key option '" + option + "' (use nullable, unique)");
      }
    }
  }
  if (m[3].matched) {
    static const std::regex rename(R"(^\s*([a-z][a-z0-9_]*)\s*=\s*(['"])([a-z][a-z0-9_]*)\2\s*$)");
    for (const auto& item : split(m[3].str(), ',')) {
      std::smatch r;
      if (!std::regex_match(item, r, rename)) error.fail("expected proj(new_name='old_name')");
      fk.renames[r[3].str()] = r[1].str();
    }
  }
  return fk;
}

AttributeLine parse_attribute(const std::string& line, const LineError& error) {
  const size_t colon = find_unquoted(line, ':');
  if (colon == std::string::npos) error.fail("expected 'name = default : type  # comment'");
  std::string left = line.substr(0, colon);
  std::string right = line.substr(colon + 1);
  AttributeLine attribute;
  const size_t hash = find_unquoted(right, '#');
  if (hash != std::string::npos) {
    attribute.comment = trim(right.substr(hash + 1));
    right = right.substr(0, hash);
  }
  attribute.type = trim(right);
  if (attribute.type.empty()) error.fail("missing the type after ':'");
  const size_t equals = find_unquoted(left, '=');
  if (equals != std::string::npos) {
    attribute.default_ = trim(left.substr(equals + 1));
    left = left.substr(0, equals);
  }
  attribute.name = trim(left);
  try {
    validate_attribute_name(attribute.name);
  } catch (const std::invalid_argument& e) {
    error.fail(e.what());
  }
  if (!attribute.comment.empty() && attribute.comment.front() == ':') {
    error.fail("a comment may not start with ':'");
  }
  return attribute;
}

IndexLine parse_index(const std::smatch& m, const LineError& error) {
  IndexLine index;
  index.unique = m[1].matched;
  for (const auto& raw : split(m[2].str(), ',')) {
    std::string column = trim(raw);
    try {
      validate_attribute_name(column);
    } catch (const std::invalid_argument& e) {
      error.fail(e.what());
    }
    index.columns.push_back(column);
  }
  return index;
}

}  // namespace

ParsedDefinition parse_definition(const std::string& table, const std::string& text) {
  ParsedDefinition definition;
  std::istringstream stream(text);
  std::string raw;
  int line_no = 0;
  bool in_key = true;
  bool first_content = true;
  static const std::regex divider(R"(^-{3,}$|^_{3,}$)");
  static const std::regex index_line(R"(^(unique\s+)?index\s*\((.*)\)$)", std::regex::icase);
  while (std::getline(stream, raw)) {
    ++line_no;
    if (raw.find('\0') != std::string::npos) {
      // Not quoted back: a message's text would end at the NUL.
      throw DefinitionError("table " + table + ", line " + std::to_string(line_no) +
                            ": holds a NUL character (PostgreSQL text cannot)");
    }
    const std::string line = trim(raw);
    if (line.empty()) continue;
    const LineError error(table, line_no, line);
    if (line.front() == '#') {
      if (first_content) {
        definition.comment = trim(line.substr(1));
        if (!definition.comment.empty() && definition.comment.front() == ':') {
          error.fail("the table comment may not start with ':'");
        }
      }
      first_content = false;
      continue;
    }
    first_content = false;
    std::smatch m;
    if (std::regex_match(line, divider)) {
      if (!in_key) error.fail("a second '---' divider");
      in_key = false;
    } else if (line.rfind("->", 0) == 0) {
      ForeignKeyLine fk = parse_foreign_key(line.substr(2), error);
      fk.in_key = in_key;
      fk.line = line_no;
      if (fk.nullable && in_key) error.fail("[nullable] is allowed only below '---'");
      definition.items.emplace_back(std::move(fk));
    } else if (std::regex_match(line, m, index_line)) {
      IndexLine index = parse_index(m, error);
      index.line = line_no;
      definition.indexes.push_back(std::move(index));
    } else {
      AttributeLine attribute = parse_attribute(line, error);
      attribute.in_key = in_key;
      attribute.line = line_no;
      definition.items.emplace_back(std::move(attribute));
    }
  }
  return definition;
}

}  // namespace dj
