#include "pipeline/pipeline.hpp"

#include <cstdlib>
#include <stdexcept>

#include "dj/identifiers.hpp"
#include "dj/settings.hpp"
#include "pipeline/config_locations.hpp"

namespace pipeline {

std::string Pipeline::default_prefix() {
  if (const char* env = std::getenv("FMPIPE_SCHEMA_PREFIX")) return env;
  const auto config = dj::read_config_file(config_locations());
  if (auto it = config.find("schema_prefix"); it != config.end() && it->is_string())
    return it->get<std::string>();
  return "fm_";
}

Pipeline::Pipeline(dj::Connection& connection, std::string prefix)
    : connection_(&connection), prefix_(std::move(prefix)) {
  for (const auto& spec : builtin_schemas()) {
    dj::Schema schema(connection, prefix_ + spec.name);
    for (const auto& used : spec.uses) schema.link(used, this->schema(used));
    for (const auto& table : spec.tables) {
      if (table.tier == dj::Tier::part) {
        schema.declare_part(table.master, table.class_name, table.definition);
      } else if (table.tier == dj::Tier::lookup) {
        schema.declare_lookup(table.class_name, table.definition, table.contents);
      } else {
        schema.declare(table.class_name, table.tier, table.definition);
      }
    }
    schemas_.emplace_back(spec.name, schema);
  }
}

dj::Schema& Pipeline::schema(const std::string& name) {
  for (auto& [schema_name, schema] : schemas_) {
    if (schema_name == name) return schema;
  }
  throw std::invalid_argument("the pipeline has no schema '" + name + "'");
}

const dj::Schema& Pipeline::schema(const std::string& name) const {
  return const_cast<Pipeline*>(this)->schema(name);
}

dj::Table Pipeline::table(const std::string& name) const {
  const size_t dot = name.find('.');
  if (dot == std::string::npos) {
    throw std::invalid_argument("name tables as <schema>.<Class>, not '" + name + "'");
  }
  return schema(name.substr(0, dot)).table(name.substr(dot + 1));
}

std::vector<std::string> Pipeline::table_names() const {
  std::vector<std::string> names;
  for (const auto& [schema_name, schema] : schemas_) {
    for (const auto& class_name : schema.class_names())
      names.push_back(schema_name + "." + class_name);
  }
  return names;
}

std::map<std::string, std::string> Pipeline::ddl_scripts(const std::string& shown_prefix) const {
  std::map<std::string, std::string> scripts;
  const auto rename = [&](std::string text) {
    for (const auto& [schema_name, schema] : schemas_) {
      const std::string from = prefix_ + schema_name, to = shown_prefix + schema_name;
      for (size_t at = text.find(from); at != std::string::npos;
           at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
      }
    }
    return text;
  };
  for (const auto& [schema_name, schema] : schemas_) {
    if (schema.declarations().empty()) continue;
    std::string script = "-- " + shown_prefix + schema_name + ": generated from schemas/" +
                         schema_name +
                         ".dj by the declaration layer (fmpipe init --write-sql); do not edit.\n\n"
                         "CREATE SCHEMA " +
                         dj::quote_identifier(shown_prefix + schema_name) + ";\n\n";
    for (const auto& declaration : schema.declarations()) {
      script += rename(dj::declaration_script(declaration));
      for (const auto& [attribute, origin] : declaration.lineage) {
        script += "INSERT INTO " + dj::qualified_name(shown_prefix + schema_name, "~lineage") +
                  " (table_name, attribute_name, lineage) VALUES (" +
                  dj::quote_literal(declaration.table) + ", " + dj::quote_literal(attribute) +
                  ", " + dj::quote_literal(rename(origin)) + ");\n";
      }
      script += "\n";
    }
    scripts[schema_name] = script;
  }
  return scripts;
}

}  // namespace pipeline
