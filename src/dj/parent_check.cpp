// Parent rows looked up before insert() sends its rows: PostgreSQL names a missing parent by its
// constraint and table name ("#device"), which says nothing to whoever wrote the row.

#include <map>
#include <set>

#include "dj/sql.hpp"
#include "dj/table.hpp"
#include "insert_check.hpp"
#include "text.hpp"
#include "value_sql.hpp"

namespace dj::detail {
namespace {

/// One foreign key of a table: its parent and the (child, parent) column pairs, in key order.
struct ForeignKeyColumns {
  std::string parent_schema, parent_table;
  std::vector<std::pair<std::string, std::string>> columns;
};

std::vector<ForeignKeyColumns> foreign_keys(pqxx::transaction_base& tx, const Heading& heading) {
  const pqxx::result result = tx.exec_params(
      "SELECT c.conname, pn.nspname, pc.relname, ca.attname, pa.attname "
      "FROM pg_constraint c JOIN pg_class pc ON pc.oid = c.confrelid "
      "JOIN pg_namespace pn ON pn.oid = pc.relnamespace "
      "CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(child, parent, ord) "
      "JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = k.child "
      "JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.parent "
      "WHERE c.contype = 'f' AND c.conrelid = format('%I.%I', $1::text, $2::text)::regclass "
      "ORDER BY c.conname, k.ord",
      heading.schema, heading.table);
  std::vector<ForeignKeyColumns> keys;
  std::string constraint;
  for (const auto& row : result) {
    if (keys.empty() || row[0].as<std::string>() != constraint) {
      constraint = row[0].as<std::string>();
      keys.push_back({row[1].as<std::string>(), row[2].as<std::string>(), {}});
    }
    keys.back().columns.emplace_back(row[3].as<std::string>(), row[4].as<std::string>());
  }
  return keys;
}

/// "fm_lab.Device", or "fm_x.FacialSignal.Region" for a part.
std::string parent_name(const ForeignKeyColumns& key) {
  try {
    return key.parent_schema + "." + class_name_of_table(key.parent_table);
  } catch (const std::invalid_argument&) {
    return key.parent_schema + "." + key.parent_table;  // a table DataJoint did not name
  }
}

// Parent keys looked up per statement; each takes one parameter per column.
constexpr size_t kKeysPerStatement = 1000;

/// The first of `keys` (distinct child values, in row order) that the parent lacks, or -1.
long first_missing(pqxx::transaction_base& tx, const Heading& heading, const ForeignKeyColumns& key,
                   const std::vector<std::vector<SqlParam>>& keys) {
  for (size_t start = 0; start < keys.size(); start += kKeysPerStatement) {
    const size_t end = std::min(keys.size(), start + kKeysPerStatement);
    std::vector<std::string> names = {"i"}, matches;
    for (const auto& [child, parent] : key.columns) {
      names.push_back(quote_identifier(child));
      matches.push_back("p." + quote_identifier(parent) + " = v." + quote_identifier(child));
    }
    SqlFragment values;
    for (size_t i = start; i < end; ++i) {
      values += i == start ? "(" + std::to_string(i) : ", (" + std::to_string(i);
      for (size_t c = 0; c < key.columns.size(); ++c) {
        values += ", ";
        values.param(keys[i][c]);
        // The parameters arrive as text: cast each to its column's type to compare.
        values += "::" + heading.at(key.columns[c].first).sql_type;
      }
      values += ")";
    }
    const SqlFragment sql = "SELECT v.i FROM (VALUES " + values + ") AS v(" + join(names, ", ") +
                            ") WHERE NOT EXISTS (SELECT 1 FROM " +
                            qualified_name(key.parent_schema, key.parent_table) + " p WHERE " +
                            join(matches, " AND ") + ") ORDER BY v.i LIMIT 1";
    const pqxx::result missing = execute(tx, sql, "looking up parents of " + heading.table);
    if (!missing.empty()) return missing[0][0].as<long>();
  }
  return -1;
}

}  // namespace

void check_parents(pqxx::transaction_base& tx, const Heading& heading,
                   const std::string& class_name, const std::vector<Row>& rows) {
  for (const ForeignKeyColumns& key : foreign_keys(tx, heading)) {
    // A row may reference another row of the same call; the server checks those itself.
    if (key.parent_schema == heading.schema && key.parent_table == heading.table) continue;
    std::vector<std::vector<SqlParam>> keys;
    std::vector<const Row*> first_row;
    std::set<std::vector<SqlParam>> seen;
    for (const Row& row : rows) {
      std::vector<SqlParam> values;
      for (const auto& [child, parent] : key.columns) {
        if (!row.has(child) || row[child].is_null()) break;  // a nullable reference left empty
        values.push_back(to_param(row[child], heading.at(child)));
      }
      if (values.size() != key.columns.size() || !seen.insert(values).second) continue;
      keys.push_back(std::move(values));
      first_row.push_back(&row);
    }
    if (keys.empty()) continue;
    const long missing = first_missing(tx, heading, key, keys);
    if (missing < 0) continue;
    Row parent_key;
    for (const auto& [child, parent] : key.columns)
      parent_key.set(parent, (*first_row[missing])[child]);
    throw InsertError(class_name + ": its parent " + parent_name(key) + " has no row " +
                      parent_key.to_display() + " (insert that row first)");
  }
}

}  // namespace dj::detail
