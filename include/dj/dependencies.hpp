#pragma once
// The foreign-key graph, read from the catalog (pg_constraint), and its diagrams.
// Hidden tables (names starting with '~') are left out, as DataJoint leaves them out.

#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace dj {

/// A table by schema and name.
struct TableRef {
  std::string schema;
  std::string table;
  /// "\"schema\".\"table\"".
  std::string quoted() const;
  /// "schema.table" for messages and diagrams.
  std::string display() const { return schema + "." + table; }
  bool operator<(const TableRef& o) const {
    return schema != o.schema ? schema < o.schema : table < o.table;
  }
  bool operator==(const TableRef& o) const { return schema == o.schema && table == o.table; }
};

/// One foreign key: child columns referencing the parent's primary key.
struct Dependency {
  TableRef child;
  TableRef parent;
  std::vector<std::pair<std::string, std::string>> columns;  ///< (child column, parent column)
  bool primary = false;  ///< every child column is in the child's primary key
  bool renamed() const;  ///< some child column has another name than its parent column
};

/// The dependency graph of some schemas (or of the whole database).
class Dependencies {
 public:
  /// Loads the tables of `schemas` (all schemas when empty) and every foreign key touching them.
  static Dependencies load(pqxx::transaction_base& tx,
                           const std::vector<std::string>& schemas = {});

  const std::vector<TableRef>& tables() const { return tables_; }  ///< parents before children
  const std::vector<Dependency>& edges() const { return edges_; }
  std::vector<const Dependency*> parents_of(const TableRef& table) const;
  std::vector<const Dependency*> children_of(const TableRef& table) const;
  /// `table` and everything that depends on it, parents before children.
  std::vector<TableRef> descendants(const TableRef& table) const;

  /// Graphviz DOT: solid edges for primary dependencies, dashed for secondary ones, tiers by
  /// node style (as DataJoint's diagrams: Manual green, Lookup gray, Imported blue, Computed red).
  std::string to_dot() const;
  /// Mermaid flowchart text with the same information.
  std::string to_mermaid() const;

 private:
  std::vector<TableRef> tables_;
  std::vector<Dependency> edges_;
};

}  // namespace dj
