#include "dj/alter.hpp"

#include <deque>
#include <regex>
#include <set>
#include <stdexcept>
#include <tuple>

#include "dj/identifiers.hpp"
#include "dj/jobs.hpp"
#include "dj/sql.hpp"

namespace dj {
namespace {

struct Column {
  std::string schema, table, name;
  bool operator<(const Column& o) const {
    return std::tie(schema, table, name) < std::tie(o.schema, o.table, o.name);
  }
  std::string display() const { return schema + "." + table + "." + name; }
};

/// The columns of other tables whose foreign keys reference `parent`.
std::vector<Column> referencing(pqxx::transaction_base& tx, const Column& parent) {
  const pqxx::result rows = tx.exec_params(
      "SELECT cn.nspname, cc.relname, ca.attname FROM pg_constraint c "
      "JOIN pg_class cc ON cc.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace "
      "CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(child, parent) "
      "JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = k.child "
      "JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.parent "
      "WHERE c.contype = 'f' AND c.confrelid = format('%I.%I', $1::text, $2::text)::regclass "
      "AND pa.attname = $3 ORDER BY 1, 2, 3",
      parent.schema, parent.table, parent.name);
  std::vector<Column> children;
  for (const auto& row : rows)
    children.push_back(
        {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
  return children;
}

/// The same column of `column`'s job table (a job table copies its target's key types, without a
/// foreign key), when there is one.
std::vector<Column> job_column(pqxx::transaction_base& tx, const Column& column) {
  if (column.table.rfind("~", 0) == 0) return {};
  const Column job{column.schema, job_table_name(column.table), column.name};
  const bool exists = !tx.exec_params(
                             "SELECT 1 FROM information_schema.columns WHERE "
                             "table_schema = $1 AND table_name = $2 AND column_name = $3",
                             job.schema, job.table, job.name)
                           .empty();
  return exists ? std::vector<Column>{job} : std::vector<Column>{};
}

/// The column's width (n of varchar(n) or char(n)) and whether it is varchar; throws naming it
/// when it is of another type.
std::pair<long, bool> width_of(pqxx::transaction_base& tx, const Column& column) {
  const pqxx::result info = tx.exec_params(
      "SELECT data_type, character_maximum_length FROM information_schema.columns "
      "WHERE table_schema = $1 AND table_name = $2 AND column_name = $3",
      column.schema, column.table, column.name);
  if (info.empty()) throw std::invalid_argument("no column " + column.display());
  const std::string type = info[0][0].as<std::string>();
  if ((type != "character varying" && type != "character") || info[0][1].is_null())
    throw std::invalid_argument("column " + column.display() + " is " + type +
                                ", not varchar(n) or char(n): it cannot be widened");
  return {info[0][1].as<long>(), type == "character varying"};
}

void alter(pqxx::transaction_base& tx, const Column& column, const std::string& type) {
  const std::string relation = qualified_name(column.schema, column.table);
  execute(tx,
          SqlFragment("ALTER TABLE " + relation + " ALTER COLUMN " + quote_identifier(column.name) +
                      " TYPE " + type),
          "widening " + column.display() + " to " + type);
  const pqxx::result comment = tx.exec_params(
      "SELECT col_description(format('%I.%I', $1::text, $2::text)::regclass, attnum) "
      "FROM pg_attribute WHERE attrelid = format('%I.%I', $1::text, $2::text)::regclass "
      "AND attname = $3",
      column.schema, column.table, column.name);
  std::string text =
      comment.empty() || comment[0][0].is_null() ? "" : comment[0][0].as<std::string>();
  // ":varchar(8):the comment" keeps its comment under the new type.
  const size_t close = text.size() > 1 && text[0] == ':' ? text.find(':', 1) : std::string::npos;
  text = ":" + type + ":" + (close == std::string::npos ? text : text.substr(close + 1));
  tx.exec("COMMENT ON COLUMN " + relation + "." + quote_identifier(column.name) + " IS " +
          quote_literal(text));
}

}  // namespace

std::vector<std::string> widen_column(pqxx::transaction_base& tx, const std::string& schema,
                                      const std::string& table, const std::string& column,
                                      const std::string& type) {
  static const std::regex sized(R"((varchar|char)\((\d+)\))");
  std::smatch m;
  if (!std::regex_match(type, m, sized))
    throw std::invalid_argument("widen " + schema + "." + table + "." + column + " to '" + type +
                                "': only varchar(n) and char(n) are widened");
  const long width = std::stol(m[2].str());
  std::vector<std::string> changed;
  std::set<Column> seen;
  std::deque<Column> pending = {{schema, table, column}};
  while (!pending.empty()) {
    const Column next = pending.front();
    pending.pop_front();
    if (!seen.insert(next).second) continue;
    const auto [current, varying] = width_of(tx, next);
    if (current > width)
      throw std::invalid_argument("column " + next.display() + " is " +
                                  (varying ? "varchar(" : "char(") + std::to_string(current) +
                                  "), wider than " + type + ": it is not narrowed");
    if (current < width || varying != (m[1].str() == "varchar")) {
      alter(tx, next, type);
      changed.push_back(next.display());
    }
    for (Column& child : referencing(tx, next)) pending.push_back(std::move(child));
    for (Column& job : job_column(tx, next)) pending.push_back(std::move(job));
  }
  return changed;
}

}  // namespace dj
