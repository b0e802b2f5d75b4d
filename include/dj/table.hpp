#pragma once
// A base table: a Query over one table plus insert, update, drop and describe.

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dj/expression.hpp"
#include "dj/identifiers.hpp"

namespace dj {

/// A row that insert() refuses before it sends any SQL: a value its attribute cannot hold (too
/// long, of another type, out of range, not one of an enum's values), a required attribute left
/// out, or a parent row that does not exist. The message names the table by its class name, the
/// attribute, the value and the limit, e.g.
/// "Subject.subject: 'JAX-2024-0117-...' is 70 characters, longer than varchar(64)".
class InsertError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Options of insert() and insert1().
struct InsertOptions {
  bool skip_duplicates = false;      ///< rows whose primary key exists are left as they are
  bool replace = false;              ///< rows whose primary key exists are overwritten
  bool ignore_extra_fields = false;  ///< attributes the table lacks are dropped, not an error
  bool allow_direct_insert =
      false;  ///< permit inserting into imported/computed tables outside make()
};

/// One table of a schema.
class Table : public Query {
 public:
  /// Opens an existing table, loading its heading from the catalog.
  Table(Connection& connection, const std::string& schema, const std::string& table);

  const std::string& schema_name() const { return heading().schema; }
  const std::string& table_name() const { return heading().table; }
  /// "Session", or "FacialSignal.MotionSVD" for a part.
  std::string class_name() const;
  Tier tier() const { return tier_; }
  /// The table's master for a part, else empty.
  const std::string& master_table_name() const { return master_; }

  void insert1(const Row& row, const InsertOptions& options = {}) const;
  /// Inserts rows in one transaction (all or none), in multi-row statements. Every value is
  /// checked against its attribute's type and every parent row is looked up first: a row that
  /// cannot be stored throws InsertError and nothing of the call is inserted. A NULL value of an
  /// attribute that is not nullable but has a default takes the default, as in DataJoint.
  void insert(const std::vector<Row>& rows, const InsertOptions& options = {}) const;
  /// Changes secondary attributes of the one row with the row's primary key.
  void update1(const Row& row) const;
  /// Drops this table and every table that depends on it, children first.
  void drop() const;
  /// The table's definition, rebuilt from the catalog.
  std::string describe() const;

 private:
  Table(Connection& connection, std::shared_ptr<const Heading> heading);

  std::string master_;  // before tier_: the tier's initialiser fills it
  Tier tier_;
};

}  // namespace dj
