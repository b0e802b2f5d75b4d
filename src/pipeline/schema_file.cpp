#include "pipeline/schema_file.hpp"

#include <regex>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace pipeline {
namespace {

dj::Tier tier_named(const std::string& word, const std::string& where) {
  if (word == "manual") return dj::Tier::manual;
  if (word == "lookup") return dj::Tier::lookup;
  if (word == "imported") return dj::Tier::imported;
  if (word == "computed") return dj::Tier::computed;
  if (word == "part") return dj::Tier::part;
  throw std::invalid_argument(where + ": unknown tier '" + word + "'");
}

dj::Row row_from_json(const nlohmann::json& object, const std::string& where) {
  if (!object.is_object())
    throw std::invalid_argument(where + ": a content row must be a JSON object");
  dj::Row row;
  for (const auto& [name, value] : object.items()) {
    if (value.is_string()) {
      row.set(name, value.get<std::string>());
    } else if (value.is_boolean()) {
      row.set(name, value.get<bool>());
    } else if (value.is_number_integer()) {
      row.set(name, value.get<long long>());
    } else if (value.is_number()) {
      row.set(name, value.get<double>());
    } else if (value.is_null()) {
      row.set(name, dj::Value());
    } else {
      throw std::invalid_argument(where + ": attribute '" + name +
                                  "' must be a string, number, bool or null");
    }
  }
  return row;
}

}  // namespace

SchemaSpec parse_schema_file(const std::string& name, const std::string& text) {
  SchemaSpec spec;
  spec.name = name;
  std::istringstream stream(text);
  std::string line;
  int line_no = 0;
  bool in_contents = false;
  static const std::regex directive(R"(^@(\w+)\s*(\S*)\s*$)");
  while (std::getline(stream, line)) {
    ++line_no;
    const std::string where = "schema " + name + ", line " + std::to_string(line_no);
    std::smatch m;
    if (std::regex_match(line, m, directive)) {
      const std::string word = m[1].str();
      const std::string argument = m[2].str();
      in_contents = false;
      if (word == "use") {
        spec.uses.push_back(argument);
      } else if (word == "contents") {
        if (spec.tables.empty() || spec.tables.back().tier != dj::Tier::lookup) {
          throw std::invalid_argument(where + ": @contents must follow a lookup table");
        }
        in_contents = true;
      } else {
        TableSpec table;
        table.tier = tier_named(word, where);
        if (table.tier == dj::Tier::part) {
          const size_t dot = argument.find('.');
          if (dot == std::string::npos)
            throw std::invalid_argument(where + ": write '@part Master.Part'");
          table.master = argument.substr(0, dot);
          table.class_name = argument.substr(dot + 1);
        } else {
          table.class_name = argument;
        }
        dj::validate_class_name(table.class_name);
        spec.tables.push_back(std::move(table));
      }
    } else if (in_contents) {
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      spec.tables.back().contents.push_back(row_from_json(nlohmann::json::parse(line), where));
    } else if (!spec.tables.empty()) {
      spec.tables.back().definition += line + "\n";
    } else if (line.find_first_not_of(" \t") != std::string::npos && line.rfind("#", 0) != 0) {
      throw std::invalid_argument(where + ": text before the first table");
    }
  }
  return spec;
}

const std::vector<SchemaSpec>& builtin_schemas() {
  static const std::vector<SchemaSpec> schemas = [] {
    std::vector<SchemaSpec> parsed;
    for (const auto& [name, text] : embedded_schema_texts())
      parsed.push_back(parse_schema_file(name, text));
    return parsed;
  }();
  return schemas;
}

}  // namespace pipeline
