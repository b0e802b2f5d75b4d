#pragma once
// DataJoint's definition language -> PostgreSQL DDL, as datajoint-python 2.x writes it
// (see docs/datajoint-compat.md in the design notes): table comment, primary and secondary
// sections, attributes with defaults and comments, foreign keys with options and renames,
// indexes; MySQL-era type names mapped to DataJoint core types.

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "dj/heading.hpp"
#include "dj/identifiers.hpp"

namespace dj {

/// A definition that cannot be declared; the message names the table, the line and the reason.
class DefinitionError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A declared type resolved for PostgreSQL.
struct AttributeType {
  std::string core;  ///< DataJoint core type for the ":core:" comment; empty for native types
  std::string sql;   ///< SQL type in CREATE TABLE
  TypeCategory category = TypeCategory::string;
  std::vector<std::string> enum_values;  ///< for enums, in declared order
};

/// Resolves a declared type ("int unsigned", "longblob", "enum('M','F')", "datetime(3)", ...)
/// in schema `schema` (enum types are schema-qualified). Throws DefinitionError when unknown.
AttributeType resolve_type(const std::string& declared, const std::string& schema);

/// "enum_" + the first 8 hex digits of md5(sorted values joined by '_').
std::string enum_type_name(const std::vector<std::string>& values);

/// One attribute line: `name = default : type  # comment`.
struct AttributeLine {
  std::string name;
  std::string type;                     ///< declared type text, trimmed
  std::optional<std::string> default_;  ///< the text after '=', trimmed
  std::string comment;
  bool in_key = false;
  int line = 0;
};

/// One dependency line: `-> [nullable, unique] Parent.proj(new='old')`.
struct ForeignKeyLine {
  std::string reference;  ///< "Parent", "master", "master.Region", "lab.Device"
  std::map<std::string, std::string> renames;  ///< parent attribute -> new name
  bool nullable = false;
  bool unique = false;
  bool in_key = false;
  int line = 0;
};

/// `index(a, b)` or `unique index(a)`.
struct IndexLine {
  std::vector<std::string> columns;
  bool unique = false;
  int line = 0;
};

/// A parsed definition, items in their order.
struct ParsedDefinition {
  std::string comment;
  std::vector<std::variant<AttributeLine, ForeignKeyLine>> items;
  std::vector<IndexLine> indexes;
};

/// Parses definition text. `table` names the table in error messages.
ParsedDefinition parse_definition(const std::string& table, const std::string& text);

/// A table that a foreign key points to, as the declaration needs it.
struct ReferencedTable {
  Heading heading;                             ///< with schema and table set
  std::map<std::string, std::string> lineage;  ///< attribute -> lineage text (may be partial)
};

/// Finds the table a `->` reference names; throws when there is none.
using ReferenceResolver = std::function<ReferencedTable(const std::string& reference)>;

/// A foreign key as declared: child columns paired with the parent's primary key.
struct ForeignKey {
  std::string parent_schema, parent_table;
  std::vector<std::pair<std::string, std::string>> columns;  ///< (child, parent)
  bool nullable = false;
};

/// Everything needed to create one table.
struct TableDeclaration {
  std::string schema, table;
  Tier tier = Tier::manual;
  /// Enum types to create first (when missing): name -> values in declared order.
  std::vector<std::pair<std::string, std::vector<std::string>>> enum_types;
  std::string create_table;           ///< CREATE TABLE IF NOT EXISTS ...
  std::vector<std::string> post_ddl;  ///< indexes, then table and column comments
  std::vector<std::pair<std::string, std::string>> lineage;  ///< (attribute, lineage)
  std::vector<ForeignKey> foreign_keys;
  std::vector<std::string> primary_key;
};

/// Compiles a parsed definition for table `table` (already prefixed by tier) in `schema`.
TableDeclaration compile_declaration(const std::string& schema, const std::string& table, Tier tier,
                                     const ParsedDefinition& definition,
                                     const ReferenceResolver& resolve);

/// All statements of a declaration joined as an SQL script (for sql/ and for review).
std::string declaration_script(const TableDeclaration& declaration);

/// Creates the declared table in `tx` unless it exists, under the schema's declaration lock (so
/// that programs declaring at the same time wait for one another): the enum types it lacks, the
/// table, its indexes and comments. Returns false when the table existed already. A statement
/// the server refuses throws DefinitionError naming `display_name`.
bool create_declared_table(pqxx::transaction_base& tx, const TableDeclaration& declaration,
                           const std::string& display_name);

/// Replaces the table's rows in its schema's ~lineage table with the declaration's lineage.
void record_lineage(pqxx::transaction_base& tx, const TableDeclaration& declaration);

}  // namespace dj
