// ParsedDefinition + referenced tables -> the DDL statements datajoint-python 2.x would send.

#include "dj/declare.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include "text.hpp"

namespace dj {
namespace {

struct Column {
  std::string name;
  std::string sql_line;  // "name" type tail
  std::string comment;   // full stored comment (with ":type:"), may be empty
  bool in_key = false;
};

std::string escape_column_comment(const std::string& comment) {
  // DataJoint stores every '"' in a column comment as '\"' (a MySQL leftover); do the same so
  // both writers produce identical catalogs.
  std::string out;
  for (char c : comment) {
    if (c == '"') out += '\\';
    out += c;
  }
  return out;
}

[[noreturn]] void fail(const std::string& table, int line, const std::string& reason) {
  throw DefinitionError("table " + table + ", line " + std::to_string(line) + ": " + reason);
}

/// The column tail for an own attribute: NOT NULL / DEFAULT ... as DataJoint writes it.
std::string column_tail(const std::string& table, const AttributeLine& a,
                        const AttributeType& type) {
  if (!a.default_) return "NOT NULL";
  const std::string& value = *a.default_;
  const std::string upper_head = to_lower(value.substr(0, value.find('(')));
  if (upper_head == "null") {
    if (a.in_key) fail(table, a.line, "primary-key attribute '" + a.name + "' cannot be nullable");
    return "DEFAULT NULL";
  }
  if (type.category == TypeCategory::blob || type.category == TypeCategory::attach) {
    fail(table, a.line, "blob and attach attributes may only default to null");
  }
  if (upper_head == "current_timestamp") {
    // Kept verbatim (a function call, not text), so it must be exactly that call: anything
    // after it would be SQL of the author's choosing inside CREATE TABLE.
    static const std::regex call(R"(current_timestamp(\s*\(\s*\d\s*\))?)", std::regex::icase);
    if (!std::regex_match(value, call))
      fail(table, a.line, "default " + value + " is not CURRENT_TIMESTAMP or CURRENT_TIMESTAMP(n)");
    return "NOT NULL DEFAULT " + value;
  }
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    return "NOT NULL DEFAULT " + quote_literal(value.substr(1, value.size() - 2));
  }
  if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
    // Kept verbatim, as DataJoint does; it must be one well-formed literal (inner quotes
    // doubled), or text after its closing quote would reach the server as SQL.
    static const std::regex literal("'(?:[^']|'')*'");
    if (!std::regex_match(value, literal)) {
      fail(table, a.line, "default " + value + " is not a single quoted literal");
    }
    return "NOT NULL DEFAULT " + value;
  }
  return "NOT NULL DEFAULT " + quote_literal(value);
}

/// The SQL type text a foreign-key child gets from its parent's catalog type (section 2.6).
std::string inherited_sql_type(const Attribute& parent) {
  if (parent.sql_type.rfind("timestamp", 0) == 0) return "timestamp without time zone";
  if (parent.sql_type.rfind("time", 0) == 0) return "time without time zone";
  return parent.sql_type;
}

std::string index_name(const std::string& table, const std::vector<std::string>& columns) {
  return "idx_" + table + "_" + join(columns, "_").substr(0, 30);
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const auto& name : names) quoted.push_back(quote_identifier(name));
  return join(quoted, ", ");
}

bool is_prefix(const std::vector<std::string>& candidate, const std::vector<std::string>& of) {
  return candidate.size() <= of.size() &&
         std::equal(candidate.begin(), candidate.end(), of.begin());
}

}  // namespace

TableDeclaration compile_declaration(const std::string& schema, const std::string& table, Tier tier,
                                     const ParsedDefinition& definition,
                                     const ReferenceResolver& resolve) {
  validate_schema_name(schema);
  TableDeclaration out;
  out.schema = schema;
  out.table = table;
  out.tier = tier;
  std::vector<Column> columns;
  std::set<std::string> declared;
  std::vector<std::string> fk_clauses;
  std::vector<IndexLine> indexes;
  std::vector<std::vector<std::string>> nonunique_fk_columns;
  std::set<std::string> key_from_foreign_keys;

  const auto add_enum = [&out](const AttributeType& type) {
    const std::string name = enum_type_name(type.enum_values);
    for (const auto& [existing, values] : out.enum_types) {
      if (existing == name) return;
    }
    out.enum_types.emplace_back(name, type.enum_values);
  };

  for (const auto& item : definition.items) {
    if (const auto* fk = std::get_if<ForeignKeyLine>(&item)) {
      ReferencedTable parent;
      try {
        parent = resolve(fk->reference);
      } catch (const std::exception& e) {
        fail(table, fk->line, "cannot resolve '-> " + fk->reference + "': " + e.what());
      }
      const auto parent_key = parent.heading.primary_key();
      if (parent_key.empty()) fail(table, fk->line, "'" + fk->reference + "' has no primary key");
      for (const auto& [old_name, new_name] : fk->renames) {
        if (std::find(parent_key.begin(), parent_key.end(), old_name) == parent_key.end()) {
          fail(table, fk->line,
               "proj renames '" + old_name + "', which is not in the primary key of " +
                   fk->reference);
        }
      }
      ForeignKey key{parent.heading.schema, parent.heading.table, {}, fk->nullable};
      std::vector<std::string> child_columns;
      for (const auto& parent_name : parent_key) {
        const Attribute& parent_attribute = parent.heading.at(parent_name);
        auto renamed = fk->renames.find(parent_name);
        const std::string name = renamed == fk->renames.end() ? parent_name : renamed->second;
        key.columns.emplace_back(name, parent_name);
        child_columns.push_back(name);
        auto lineage = parent.lineage.find(parent_name);
        out.lineage.emplace_back(
            name, lineage != parent.lineage.end()
                      ? lineage->second
                      : parent.heading.schema + "." + parent.heading.table + "." + parent_name);
        if (fk->in_key) key_from_foreign_keys.insert(name);
        if (declared.count(name)) continue;
        declared.insert(name);
        Column column;
        column.name = name;
        column.in_key = fk->in_key;
        column.sql_line = quote_identifier(name) + " " + inherited_sql_type(parent_attribute) +
                          (fk->nullable ? "" : " NOT NULL");
        // Our decision: inherited columns carry the parent's ":type:" too (DataJoint's own
        // job tables need it for timestamp, bool, double and enum keys).
        if (!parent_attribute.core_type.empty())
          column.comment = ":" + parent_attribute.core_type + ":";
        columns.push_back(std::move(column));
      }
      std::vector<std::string> parent_columns;
      for (const auto& pair : key.columns) parent_columns.push_back(pair.second);
      fk_clauses.push_back("FOREIGN KEY (" + quoted_list(child_columns) + ") REFERENCES " +
                           qualified_name(key.parent_schema, key.parent_table) + " (" +
                           quoted_list(parent_columns) + ") ON UPDATE CASCADE ON DELETE RESTRICT");
      if (fk->unique) {
        indexes.push_back({child_columns, true, fk->line});
      } else {
        nonunique_fk_columns.push_back(child_columns);
      }
      out.foreign_keys.push_back(std::move(key));
    } else {
      const auto& a = std::get<AttributeLine>(item);
      if (declared.count(a.name))
        fail(table, a.line, "attribute '" + a.name + "' is declared twice");
      AttributeType type;
      try {
        type = resolve_type(a.type, schema);
      } catch (const DefinitionError& e) {
        fail(table, a.line, e.what());
      }
      if (a.in_key &&
          (type.category == TypeCategory::blob || type.category == TypeCategory::attach ||
           type.category == TypeCategory::json || type.category == TypeCategory::bytes)) {
        fail(table, a.line, "a " + a.type + " attribute cannot be in the primary key");
      }
      if (a.in_key && (tier == Tier::computed || tier == Tier::imported)) {
        fail(table, a.line,
             "computed and imported tables take their primary key from foreign keys only; '" +
                 a.name + "' is new");
      }
      if (type.category == TypeCategory::enumeration) add_enum(type);
      declared.insert(a.name);
      Column column;
      column.name = a.name;
      column.in_key = a.in_key;
      column.sql_line =
          quote_identifier(a.name) + " " + type.sql + " " + column_tail(table, a, type);
      const std::string comment = escape_column_comment(a.comment);
      column.comment = type.core.empty() ? comment : ":" + type.core + ":" + comment;
      columns.push_back(std::move(column));
      if (a.in_key) out.lineage.emplace_back(a.name, schema + "." + table + "." + a.name);
    }
  }

  for (const auto& index : definition.indexes) {
    for (const auto& column : index.columns) {
      if (!declared.count(column))
        fail(table, index.line, "index names unknown attribute '" + column + "'");
    }
    indexes.push_back(index);
  }

  for (const auto& column : columns) {
    if (column.in_key) out.primary_key.push_back(column.name);
  }
  if (out.primary_key.empty()) {
    Column singleton{"_singleton", "\"_singleton\" boolean NOT NULL DEFAULT TRUE",
                     ":bool:singleton primary key", true};
    columns.insert(columns.begin(), singleton);
    out.primary_key.push_back("_singleton");
    out.lineage.emplace_back("_singleton", schema + "." + table + "._singleton");
  }

  std::vector<std::string> items;
  for (const auto& column : columns) items.push_back(column.sql_line);
  items.push_back("PRIMARY KEY (" + quoted_list(out.primary_key) + ")");
  items.insert(items.end(), fk_clauses.begin(), fk_clauses.end());
  out.create_table = "CREATE TABLE IF NOT EXISTS " + qualified_name(schema, table) + " (\n" +
                     join(items, ",\n") + "\n) ";

  // Foreign-key support indexes: longest first (stable), unless a left prefix of the primary
  // key, of a declared index, or of a support index already emitted.
  std::stable_sort(nonunique_fk_columns.begin(), nonunique_fk_columns.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
  std::vector<IndexLine> support;
  for (const auto& candidate : nonunique_fk_columns) {
    bool covered = is_prefix(candidate, out.primary_key);
    for (const auto& index : indexes) covered = covered || is_prefix(candidate, index.columns);
    for (const auto& index : support) covered = covered || is_prefix(candidate, index.columns);
    if (!covered) support.push_back({candidate, false, 0});
  }
  indexes.insert(indexes.end(), support.begin(), support.end());
  for (const auto& index : indexes) {
    out.post_ddl.push_back(std::string(index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") +
                           quote_identifier(index_name(table, index.columns)) + " ON " +
                           qualified_name(schema, table) + " (" + quoted_list(index.columns) + ")");
  }
  out.post_ddl.push_back("COMMENT ON TABLE " + qualified_name(schema, table) + " IS " +
                         quote_literal(definition.comment));
  for (const auto& column : columns) {
    if (column.comment.empty() || column.name == "_singleton") continue;
    out.post_ddl.push_back("COMMENT ON COLUMN " + qualified_name(schema, table) + "." +
                           quote_identifier(column.name) + " IS " + quote_literal(column.comment));
  }
  if (columns.front().name == "_singleton") {
    out.post_ddl.push_back("COMMENT ON COLUMN " + qualified_name(schema, table) +
                           ".\"_singleton\" IS " + quote_literal(columns.front().comment));
  }
  return out;
}

std::string declaration_script(const TableDeclaration& declaration) {
  std::string script;
  for (const auto& [name, values] : declaration.enum_types) {
    std::vector<std::string> quoted;
    for (const auto& v : values) quoted.push_back(quote_literal(v));
    script += "CREATE TYPE " + qualified_name(declaration.schema, name) + " AS ENUM (" +
              join(quoted, ", ") + ");\n";
  }
  script += declaration.create_table + ";\n";
  for (const auto& statement : declaration.post_ddl) script += statement + ";\n";
  return script;
}

}  // namespace dj
