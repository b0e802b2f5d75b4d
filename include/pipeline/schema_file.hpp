#pragma once
// The pipeline's table definitions (schemas/*.dj, compiled into the library): one file per
// schema. "@<tier> <Class>" starts a table (tiers: manual, lookup, imported, computed),
// "@part <Master>.<Part>" a part; the lines up to the next "@" are its DataJoint definition.
// "@use <schema>" lets definitions name another schema's tables as "<schema>.<Class>".
// "@contents" after a lookup definition holds its rows, one JSON object per line.

#include <string>
#include <utility>
#include <vector>

#include "dj/identifiers.hpp"
#include "dj/value.hpp"

namespace pipeline {

/// One table of a schema file.
struct TableSpec {
  std::string class_name;  ///< "Session", or the part's name for parts
  dj::Tier tier = dj::Tier::manual;
  std::string master;  ///< the master class, for parts
  std::string definition;
  std::vector<dj::Row> contents;  ///< lookup contents
};

/// One schema file.
struct SchemaSpec {
  std::string name;               ///< without prefix: "session"
  std::vector<std::string> uses;  ///< schemas its definitions refer to
  std::vector<TableSpec> tables;  ///< in declaration order
};

/// Parses a schema file; errors name the schema and the line.
SchemaSpec parse_schema_file(const std::string& name, const std::string& text);

/// The five schemas of the pipeline, in dependency order: lab, subject, session,
/// facial_behavior_estimation, facemap_inference.
const std::vector<SchemaSpec>& builtin_schemas();

/// The schema files' texts as compiled in (name, text), in dependency order.
const std::vector<std::pair<std::string, std::string>>& embedded_schema_texts();

}  // namespace pipeline
