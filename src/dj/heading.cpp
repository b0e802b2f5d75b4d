#include "dj/heading.hpp"

#include <algorithm>
#include <stdexcept>

#include "dj/identifiers.hpp"

namespace dj {

bool Heading::has(const std::string& name) const {
  return std::any_of(attributes.begin(), attributes.end(),
                     [&](const Attribute& a) { return a.name == name; });
}

const Attribute& Heading::at(const std::string& name) const {
  for (const auto& a : attributes) {
    if (a.name == name) return a;
  }
  throw std::invalid_argument("table " + qualified_name(schema, table) + " has no attribute '" +
                              name + "'");
}

std::vector<std::string> Heading::primary_key() const {
  std::vector<std::string> key;
  for (const auto& a : attributes) {
    if (a.in_key) key.push_back(a.name);
  }
  return key;
}

std::vector<std::string> Heading::secondary() const {
  std::vector<std::string> names;
  for (const auto& a : attributes) {
    if (!a.in_key && a.name.front() != '_') names.push_back(a.name);
  }
  return names;
}

std::vector<std::string> Heading::names() const {
  std::vector<std::string> names;
  for (const auto& a : attributes) {
    if (a.name.front() != '_') names.push_back(a.name);
  }
  return names;
}

namespace {

/// The type text as DataJoint derives it from information_schema (section 3.2).
std::string catalog_type(const pqxx::row& row) {
  const std::string data_type = row["data_type"].as<std::string>();
  if (data_type == "USER-DEFINED") {
    return qualified_name(row["udt_schema"].as<std::string>(), row["udt_name"].as<std::string>());
  }
  if (data_type == "character varying" && !row["character_maximum_length"].is_null()) {
    return "varchar(" + row["character_maximum_length"].as<std::string>() + ")";
  }
  if (data_type == "character" && !row["character_maximum_length"].is_null()) {
    return "char(" + row["character_maximum_length"].as<std::string>() + ")";
  }
  if (data_type == "numeric" && !row["numeric_precision"].is_null()) {
    const std::string scale =
        row["numeric_scale"].is_null() ? "0" : row["numeric_scale"].as<std::string>();
    return "decimal(" + row["numeric_precision"].as<std::string>() +
           (scale == "0" ? "" : "," + scale) + ")";
  }
  return data_type;
}

/// Splits a stored comment ":type:rest" into (type, rest); a plain comment has no type.
std::pair<std::string, std::string> split_type_comment(const std::string& comment) {
  if (comment.size() >= 2 && comment.front() == ':') {
    const size_t close = comment.find(':', 1);
    if (close != std::string::npos) {
      return {comment.substr(1, close - 1), comment.substr(close + 1)};
    }
  }
  return {"", comment};
}

}  // namespace

bool table_exists(pqxx::transaction_base& tx, const std::string& schema, const std::string& table) {
  return !tx.exec_params(
                "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = $1 AND c.relname = $2",
                schema, table)
              .empty();
}

Heading load_heading(pqxx::transaction_base& tx, const std::string& schema,
                     const std::string& table) {
  Heading heading;
  heading.schema = schema;
  heading.table = table;
  const std::string relation = qualified_name(schema, table);
  const pqxx::result info = tx.exec_params(
      "SELECT obj_description(c.oid, 'pg_class') FROM pg_class c JOIN pg_namespace n "
      "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = 'r'",
      schema, table);
  if (info.empty()) throw std::invalid_argument("table " + relation + " does not exist");
  heading.comment = info[0][0].is_null() ? "" : info[0][0].as<std::string>();

  const pqxx::result key = tx.exec_params(
      "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
      "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = format('%I.%I', $1::text, "
      "$2::text)::regclass "
      "AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)",
      schema, table);
  std::vector<std::string> key_names;
  for (const auto& row : key) key_names.push_back(row[0].as<std::string>());

  const pqxx::result columns = tx.exec_params(
      "SELECT column_name, data_type, udt_schema, udt_name, is_nullable, column_default, "
      "character_maximum_length, numeric_precision, numeric_scale, "
      "col_description(format('%I.%I', $1::text, $2::text)::regclass, ordinal_position) AS comment "
      "FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 "
      "ORDER BY ordinal_position",
      schema, table);
  for (const auto& row : columns) {
    Attribute a;
    a.name = row["column_name"].as<std::string>();
    a.sql_type = catalog_type(row);
    a.nullable = row["is_nullable"].as<std::string>() == "YES";
    if (!row["column_default"].is_null()) a.default_sql = row["column_default"].as<std::string>();
    const std::string stored = row["comment"].is_null() ? "" : row["comment"].as<std::string>();
    std::tie(a.core_type, a.comment) = split_type_comment(stored);
    a.in_key = std::find(key_names.begin(), key_names.end(), a.name) != key_names.end();
    a.category = category_of(a.core_type, a.sql_type);
    if (a.category == TypeCategory::enumeration) {
      const pqxx::result labels = tx.exec_params(
          "SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
          "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typname = $2 "
          "ORDER BY e.enumsortorder",
          row["udt_schema"].as<std::string>(), row["udt_name"].as<std::string>());
      for (const auto& label : labels) a.enum_values.push_back(label[0].as<std::string>());
    }
    heading.attributes.push_back(std::move(a));
  }
  return heading;
}

}  // namespace dj
