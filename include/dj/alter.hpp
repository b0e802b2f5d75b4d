#pragma once
// Changes to the columns of existing tables, for migrating a database that an earlier definition
// created.

#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace dj {

/// Widens column `column` of `schema`.`table` to `type` (varchar(n) or char(n), wider than it is)
/// and, following foreign keys down, every column that references it, so that a parent key and
/// the keys that point to it keep one type; the key columns of those tables' job tables ("~~name",
/// which copy their target's key types) follow too. The ":type:" prefix of each column's comment
/// becomes `type` (DataJoint reads the declared type from it). Runs in `tx`; returns the columns
/// changed as "schema.table.column", the given one first. Throws std::invalid_argument for another
/// type or a narrower width, and QueryError naming the column when the server refuses (a view of
/// the lab's own that selects the column, for one).
std::vector<std::string> widen_column(pqxx::transaction_base& tx, const std::string& schema,
                                      const std::string& table, const std::string& column,
                                      const std::string& type);

}  // namespace dj
