// Cascading delete: the cascade comes from the foreign-key graph, not from trial and error.
// Keys to delete are materialised level by level in temporary tables (parents before
// children), then rows are deleted leaves first, all in one transaction. The caller may read the
// keys of chosen tables in between, while what they refer to is still there.

#include <algorithm>
#include <atomic>
#include <map>
#include <stdexcept>

#include "dj/dependencies.hpp"
#include "dj/expression.hpp"
#include "dj/heading.hpp"
#include "dj/identifiers.hpp"
#include "text.hpp"
#include "value_sql.hpp"

namespace dj {
namespace {

std::string quoted_columns(const std::vector<std::string>& names) {
  std::vector<std::string> q;
  for (const auto& n : names) q.push_back(quote_identifier(n));
  return dj::join(q, ", ");
}

std::vector<std::string> primary_key_of(pqxx::transaction_base& tx, const TableRef& ref) {
  std::vector<std::string> key;
  for (const auto& row : tx.exec_params(
           "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
           "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass($1) AND i.indisprimary "
           "ORDER BY array_position(i.indkey::int2[], a.attnum)",
           ref.quoted())) {
    key.push_back(row[0].as<std::string>());
  }
  return key;
}

/// Refuses a cascade that would delete part rows and leave their master rows.
void check_part_integrity(const std::vector<TableRef>& cascade,
                          const std::string& root_description) {
  for (size_t i = 0; i < cascade.size(); ++i) {
    std::string master;
    try {
      if (tier_of_table_name(cascade[i].table, &master) != Tier::part) continue;
    } catch (const std::invalid_argument&) {
      continue;
    }
    const TableRef master_ref{cascade[i].schema, master};
    const bool master_in_cascade =
        i > 0 && std::find(cascade.begin(), cascade.end(), master_ref) != cascade.end();
    if (!master_in_cascade) {
      throw std::logic_error("deleting " + root_description + " would delete rows of part table " +
                             cascade[i].display() + " without their master " +
                             master_ref.display() +
                             "; delete from the master, or pass force_parts");
    }
  }
}

}  // namespace

DeleteResult Query::delete_rows(const DeleteOptions& options) const {
  if (!base_) {
    throw std::logic_error("delete needs a restriction of one table; " + description() + " is not");
  }
  DeleteResult result;
  const TableRef root{base_->first, base_->second};
  static std::atomic<int> sequence{0};
  const std::string prefix = "_dj_delete_" + std::to_string(sequence++) + "_";

  const auto body = [&](pqxx::transaction_base& tx) {
    const auto graph = Dependencies::load(tx);
    const auto cascade = graph.descendants(root);
    if (!options.force_parts) check_part_integrity(cascade, description());
    std::map<TableRef, std::string> temp_of;
    for (size_t i = 0; i < cascade.size(); ++i) {
      const TableRef& ref = cascade[i];
      const std::string temp = prefix + std::to_string(i);
      const std::string key = quoted_columns(primary_key_of(tx, ref));
      SqlFragment sql("CREATE TEMP TABLE " + quote_identifier(temp) + " ON COMMIT DROP AS SELECT " +
                      key);
      if (i == 0) {
        sql += " FROM (";
        sql += select_sql();
        sql += ") AS _q";
      } else {
        std::vector<std::string> conditions;
        for (const auto* edge : graph.parents_of(ref)) {
          auto parent_temp = temp_of.find(edge->parent);
          if (parent_temp == temp_of.end()) continue;
          std::vector<std::string> child_cols, parent_cols;
          for (const auto& [c, p] : edge->columns) {
            child_cols.push_back(c);
            parent_cols.push_back(p);
          }
          conditions.push_back("(" + quoted_columns(child_cols) + ") IN (SELECT " +
                               quoted_columns(parent_cols) + " FROM " +
                               quote_identifier(parent_temp->second) + ")");
        }
        sql += " FROM " + ref.quoted() + " WHERE " + dj::join(conditions, " OR ");
      }
      execute(tx, sql, "delete from " + description() + " (collecting " + ref.display() + ")");
      temp_of[ref] = temp;
    }
    if (options.before_delete) {
      DeletedKeys keys;
      for (const auto& name : options.keys_of) keys[name];
      for (const TableRef& ref : cascade) {
        const auto wanted = keys.find(ref.quoted());
        if (wanted == keys.end()) continue;
        wanted->second = detail::rows_of(
            execute(tx, SqlFragment("SELECT * FROM " + quote_identifier(temp_of[ref])),
                    "delete from " + description() + " (keys of " + ref.display() + ")"),
            load_heading(tx, ref.schema, ref.table));
      }
      options.before_delete(keys);
    }
    for (auto it = cascade.rbegin(); it != cascade.rend(); ++it) {
      const std::string& temp = temp_of[*it];
      long long n = 0;
      if (options.dry_run) {
        n = tx.exec("SELECT count(*) FROM " + quote_identifier(temp))[0][0].as<long long>();
      } else {
        const std::string key = quoted_columns(primary_key_of(tx, *it));
        n = static_cast<long long>(
            execute(tx,
                    SqlFragment("DELETE FROM " + it->quoted() + " WHERE (" + key + ") IN (SELECT " +
                                key + " FROM " + quote_identifier(temp) + ")"),
                    "delete from " + it->display())
                .affected_rows());
      }
      result.counts.emplace_back(it->quoted(), n);
    }
  };

  if (connection_->in_transaction()) {
    connection_->run(body);
  } else {
    // The connection's own transaction, so that before_delete's reads run inside it.
    Connection::Transaction transaction(*connection_);
    body(transaction.native());
    if (!options.dry_run) transaction.commit();  // a dry run is rolled back
  }
  return result;
}

}  // namespace dj
