#pragma once
// Query expressions: restriction, natural join, projection, aggregation, and fetching.
// A Query is a Relation (dj/relation.hpp: the SQL, built from headings) bound to a connection;
// it is an immutable description, and nothing runs until count(), fetch() or delete_rows().

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dj/condition.hpp"
#include "dj/connection.hpp"
#include "dj/heading.hpp"
#include "dj/relation.hpp"
#include "dj/sql.hpp"
#include "dj/value.hpp"

namespace dj {

/// The primary keys of the rows a delete is about to remove, per table named in
/// DeleteOptions::keys_of ("schema"."table").
using DeletedKeys = std::map<std::string, std::vector<Row>>;

/// Options of delete_rows().
struct DeleteOptions {
  bool dry_run = false;      ///< count what would be deleted, delete nothing
  bool force_parts = false;  ///< allow deleting part rows whose master rows stay
  /// Tables of the cascade ("schema"."table", as in DeleteResult::counts) whose keys go to
  /// before_delete; tables outside the cascade get an empty list.
  std::vector<std::string> keys_of;
  /// Called inside the delete's transaction once the rows to delete are known and before any is
  /// deleted, so that it can still read what they refer to (through the connection, which runs
  /// it in that transaction). Throwing rolls the delete back.
  std::function<void(const DeletedKeys&)> before_delete;
};

/// Rows deleted (or, in a dry run, that would be) per table, leaves first.
struct DeleteResult {
  std::vector<std::pair<std::string, long long>> counts;  ///< ("schema"."table", rows)
  long long total() const;
};

/// A query over one or more tables: a Relation and the connection that runs it.
class Query : public Relation {
 public:
  Query(Connection& connection, std::shared_ptr<const Heading> heading, SqlFragment select,
        std::string description);
  Query(Connection& connection, Relation relation);
  virtual ~Query() = default;

  // The operators of Relation, keeping the connection (and restrict() the base table).
  Query restrict(const Restriction& restriction) const;
  /// Rows not matching the restriction.
  Query restrict_not(const Restriction& restriction) const { return restrict(!restriction); }
  Query join(const Query& other) const;
  Query proj(const std::vector<std::string>& attributes = {},
             const std::map<std::string, std::string>& renames = {},
             const std::map<std::string, std::string>& computed = {}) const;
  /// Rows without a match in `other` are kept only with `keep_all_rows` (their count is 0,
  /// other aggregates null).
  Query aggr(const Query& other, const std::map<std::string, std::string>& aggregates,
             bool keep_all_rows = false) const;

  /// Aggregates over all rows: one row with the named results.
  Row aggregate(const std::map<std::string, std::string>& aggregates) const;
  /// Distinct combinations of the named attributes, sorted by them.
  std::vector<Row> distinct(const std::vector<std::string>& attributes) const;
  long long count() const;
  bool exists() const;

  std::vector<Row> fetch(const FetchOptions& options = {}) const;
  /// Exactly one row; throws naming the query when there are none or several.
  Row fetch1(const std::vector<std::string>& attributes = {}) const;
  /// The primary-key values of every row.
  std::vector<Row> fetch_keys() const;

  /// Deletes the rows and everything that depends on them through foreign keys, leaves first,
  /// in one transaction. Only for restrictions of one table.
  DeleteResult delete_rows(const DeleteOptions& options = {}) const;

  Connection& connection() const { return *connection_; }
  /// The table this query restricts, when it is a restriction of one table.
  const std::optional<std::pair<std::string, std::string>>& base_table() const { return base_; }

 protected:
  void set_base_table(std::string schema, std::string table) {
    base_ = std::make_pair(std::move(schema), std::move(table));
  }

 private:
  /// Runs `sql` and converts its rows with `heading`; `context` names it in errors.
  std::vector<Row> read_rows(const SqlFragment& sql, const Heading& heading,
                             const std::string& context) const;

  Connection* connection_;
  std::optional<std::pair<std::string, std::string>> base_;
};

inline Query operator&(const Query& query, const Restriction& restriction) {
  return query.restrict(restriction);
}
inline Query operator-(const Query& query, const Restriction& restriction) {
  return query.restrict_not(restriction);
}
inline Query operator*(const Query& a, const Query& b) {
  return a.join(b);
}

}  // namespace dj
