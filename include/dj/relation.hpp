#pragma once
// The SQL of query expressions, built from headings alone: restriction, natural join,
// projection, aggregation, and the statements that read a relation (fetch, count, exists,
// distinct, aggregates over all rows). No connection is needed to build or inspect them;
// dj::Query binds a Relation to a connection and runs these statements.
//
// Each operator wraps the operand's SELECT in a subquery, which PostgreSQL flattens. Values
// reach the statement as parameters (SqlFragment); identifiers are validated and quoted.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dj/condition.hpp"
#include "dj/heading.hpp"
#include "dj/sql.hpp"

namespace dj {

/// What fetch() returns and how.
struct FetchOptions {
  std::vector<std::string> attributes;  ///< empty: all visible attributes
  std::vector<std::string> order_by;    ///< "attr", "attr desc"; empty: primary key order
  std::optional<long long> limit;
  long long offset = 0;
};

/// A relation: its heading, the SELECT that yields its rows, and a description for messages.
/// Immutable and cheap to copy (the heading is shared).
class Relation {
 public:
  Relation(std::shared_ptr<const Heading> heading, SqlFragment select, std::string description);
  /// The rows of the table `heading` describes (heading.schema, heading.table): its visible
  /// columns, described as "schema.table".
  static Relation of_table(std::shared_ptr<const Heading> heading);

  /// Rows matching the restriction.
  Relation restrict(const Restriction& restriction) const;
  /// Natural join on the attributes both have in common.
  Relation join(const Relation& other) const;
  /// The primary key plus `attributes`, with `renames` (new name -> old name) and `computed`
  /// attributes (name -> SQL expression over this relation's attributes).
  Relation proj(const std::vector<std::string>& attributes = {},
                const std::map<std::string, std::string>& renames = {},
                const std::map<std::string, std::string>& computed = {}) const;
  /// For each row, aggregates of its matching rows in `other` (name -> SQL aggregate such as
  /// "count(*)", "avg(x)"). Rows without a match are kept only with `keep_all_rows`.
  Relation aggr(const Relation& other, const std::map<std::string, std::string>& aggregates,
                bool keep_all_rows = false) const;
  /// One row of aggregates over all rows, with the named results.
  Relation summary(const std::map<std::string, std::string>& aggregates) const;

  /// The statement that fetches rows as `options` asks (attributes checked against the
  /// heading; limit and offset as parameters).
  SqlFragment fetch_sql(const FetchOptions& options = {}) const;
  /// The statement that counts the rows.
  SqlFragment count_sql() const;
  /// The statement that tells whether there is a row.
  SqlFragment exists_sql() const;
  /// The statement that yields the distinct combinations of `attributes`, sorted by them.
  SqlFragment distinct_sql(const std::vector<std::string>& attributes) const;

  const Heading& heading() const { return *heading_; }
  /// The SELECT statement with its parameters (for inspection and composition).
  const SqlFragment& select_sql() const { return select_; }
  const std::string& description() const { return description_; }

 private:
  /// " ORDER BY ..." of validated "attribute [asc|desc]" items, or of the primary key.
  SqlFragment order_clause(const std::vector<std::string>& order_by) const;

  std::shared_ptr<const Heading> heading_;
  SqlFragment select_;
  std::string description_;
};

inline Relation operator&(const Relation& relation, const Restriction& restriction) {
  return relation.restrict(restriction);
}
inline Relation operator-(const Relation& relation, const Restriction& restriction) {
  return relation.restrict(!restriction);
}
inline Relation operator*(const Relation& a, const Relation& b) {
  return a.join(b);
}

}  // namespace dj
