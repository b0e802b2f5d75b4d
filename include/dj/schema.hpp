#pragma once
// A schema: a PostgreSQL namespace of DataJoint tables. Declares tables from definitions (in
// dependency order, as the program calls declare), and opens the tables another program
// declared from the catalog alone.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dj/connection.hpp"
#include "dj/declare.hpp"
#include "dj/dependencies.hpp"
#include "dj/table.hpp"

namespace dj {

/// A schema on one connection; cheap to copy (copies share their state).
class Schema {
 public:
  /// Opens schema `name`, creating it (and its ~lineage table) when missing and `create` is set.
  /// Throws when it is missing and `create` is not set.
  Schema(Connection& connection, const std::string& name, bool create = true);

  const std::string& name() const;
  Connection& connection() const;

  /// Lets definitions in this schema refer to `other`'s tables as "alias.Class"; unqualified
  /// names not found here are looked up in linked schemas too.
  Schema& link(const std::string& alias, const Schema& other);

  /// Declares a master table (Manual, Lookup, Imported or Computed) unless it exists already,
  /// and returns it. `definition` is DataJoint definition text.
  Table declare(const std::string& class_name, Tier tier, const std::string& definition);
  /// Declares a Lookup table and inserts its contents (existing rows are kept).
  Table declare_lookup(const std::string& class_name, const std::string& definition,
                       const std::vector<Row>& contents);
  /// Declares part `part_class` of `master_class`; "-> master" refers to the master.
  Table declare_part(const std::string& master_class, const std::string& part_class,
                     const std::string& definition);

  /// A table by class name: "Session" or "FacialSignal.MotionSVD". Throws when absent.
  Table table(const std::string& class_name) const;
  bool has_table(const std::string& class_name) const;
  /// Class names of all tables, parents before children.
  std::vector<std::string> class_names() const;
  /// The dependency graph of this schema (and the foreign keys that reach into it).
  Dependencies dependencies() const;

  /// Re-reads the list of tables from the catalog (after another program declared some).
  void refresh();
  /// Drops the schema with all its tables. Refuses when tables of other schemas depend on it.
  void drop();
  /// Lets a read-only role read the schema (USAGE; SELECT and REFERENCES, which makes primary
  /// keys visible to DataJoint's catalog queries).
  void grant_read(const std::string& role) const;

  /// The declarations this object has made (tables it created), in order: the DDL the
  /// declaration layer generated, for review and for keeping sql/ in step.
  const std::vector<TableDeclaration>& declarations() const;

  /// Whether a schema exists.
  static bool exists(Connection& connection, const std::string& name);

  struct State;

 private:
  ReferencedTable resolve(const std::string& reference, const std::string& master_class) const;
  Table declare_table(const std::string& class_name, const std::string& table_name, Tier tier,
                      const std::string& definition, const std::string& master_class);
  std::shared_ptr<State> state_;
};

}  // namespace dj
