#pragma once
// A table's heading: its attributes with types, keys, defaults and comments. Built by the
// declaration layer and loaded back from the catalog alone (information_schema plus the
// ":type:" column comments), so a program can open tables another program declared.

#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace dj {

/// What kind of value an attribute holds; decides conversion on insert and fetch.
enum class TypeCategory {
  integer,
  floating,
  decimal,
  boolean,
  string,
  enumeration,
  date,
  datetime,
  time,
  json,
  uuid,
  blob,    ///< DataJoint blob (<blob>, legacy longblob)
  attach,  ///< <attach>: filename + bytes
  bytes    ///< raw bytea
};

/// One column.
struct Attribute {
  std::string name;
  std::string sql_type;  ///< as information_schema reports it, e.g. varchar(8), integer,
                         ///< timestamp without time zone, "S"."enum_e54fc739"
  std::string
      core_type;  ///< DataJoint type from the ":type:" comment (int32, <blob>, ...); may be empty
  TypeCategory category = TypeCategory::string;
  bool in_key = false;
  bool nullable = false;
  std::optional<std::string> default_sql;  ///< the column default as the catalog shows it
  std::string comment;                     ///< the visible comment (without ":type:")
  std::vector<std::string> enum_values;    ///< for enumerations, in declared order
  /// The declared type to show in describe(): core_type when present, else sql_type.
  const std::string& display_type() const { return core_type.empty() ? sql_type : core_type; }
};

/// The columns of one table.
struct Heading {
  std::string schema;
  std::string table;
  std::string comment;
  std::vector<Attribute> attributes;  ///< in column order, hidden ('_'-prefixed) ones included

  bool has(const std::string& name) const;
  /// Throws naming the table when there is no such attribute.
  const Attribute& at(const std::string& name) const;
  std::vector<std::string> primary_key() const;
  std::vector<std::string> secondary() const;
  /// Visible attribute names (hidden '_'-prefixed ones left out), in column order.
  std::vector<std::string> names() const;
};

/// Reads a table's heading from the catalog. Throws when the table does not exist.
Heading load_heading(pqxx::transaction_base& tx, const std::string& schema,
                     const std::string& table);

/// Whether a table exists, read from pg_class with the statement's snapshot (unlike
/// to_regclass, whose catalog cache may lag behind a concurrent creator that just committed).
bool table_exists(pqxx::transaction_base& tx, const std::string& schema, const std::string& table);

/// The category of a core type text (int32, varchar(8), <blob>, ...), or of a catalog type
/// when `core_type` is empty.
TypeCategory category_of(const std::string& core_type, const std::string& sql_type);

}  // namespace dj
