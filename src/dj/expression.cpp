#include "dj/expression.hpp"

#include <stdexcept>

#include "value_sql.hpp"

namespace dj {

long long DeleteResult::total() const {
  long long sum = 0;
  for (const auto& [table, n] : counts) sum += n;
  return sum;
}

Query::Query(Connection& connection, std::shared_ptr<const Heading> heading, SqlFragment select,
             std::string description)
    : Query(connection, Relation(std::move(heading), std::move(select), std::move(description))) {}

Query::Query(Connection& connection, Relation relation)
    : Relation(std::move(relation)), connection_(&connection) {}

Query Query::restrict(const Restriction& restriction) const {
  Query result(*connection_, Relation::restrict(restriction));
  result.base_ = base_;
  return result;
}

Query Query::join(const Query& other) const {
  return Query(*connection_, Relation::join(other));
}

Query Query::proj(const std::vector<std::string>& attributes,
                  const std::map<std::string, std::string>& renames,
                  const std::map<std::string, std::string>& computed) const {
  return Query(*connection_, Relation::proj(attributes, renames, computed));
}

Query Query::aggr(const Query& other, const std::map<std::string, std::string>& aggregates,
                  bool keep_all_rows) const {
  return Query(*connection_, Relation::aggr(other, aggregates, keep_all_rows));
}

std::vector<Row> Query::read_rows(const SqlFragment& sql, const Heading& heading,
                                  const std::string& context) const {
  std::vector<Row> rows;
  connection_->read([&](pqxx::transaction_base& tx) {
    rows = detail::rows_of(execute(tx, sql, context), heading);
  });
  return rows;
}

Row Query::aggregate(const std::map<std::string, std::string>& aggregates) const {
  const Relation totals = summary(aggregates);
  return read_rows(totals.select_sql(), totals.heading(), totals.description()).front();
}

std::vector<Row> Query::distinct(const std::vector<std::string>& attributes) const {
  return read_rows(distinct_sql(attributes), heading(), "distinct values of " + description());
}

long long Query::count() const {
  long long n = 0;
  connection_->read([&](pqxx::transaction_base& tx) {
    n = execute(tx, count_sql(), "count of " + description())[0][0].as<long long>();
  });
  return n;
}

bool Query::exists() const {
  bool found = false;
  connection_->read([&](pqxx::transaction_base& tx) {
    found = execute(tx, exists_sql(), "existence in " + description())[0][0].as<bool>();
  });
  return found;
}

std::vector<Row> Query::fetch(const FetchOptions& options) const {
  return read_rows(fetch_sql(options), heading(), "fetch from " + description());
}

Row Query::fetch1(const std::vector<std::string>& attributes) const {
  FetchOptions options;
  options.attributes = attributes;
  options.limit = 2;
  auto rows = fetch(options);
  if (rows.size() != 1) {
    throw std::runtime_error("fetch1 of " + description() + ": expected one row, found " +
                             (rows.empty() ? std::string("none") : std::string("several")));
  }
  return std::move(rows.front());
}

std::vector<Row> Query::fetch_keys() const {
  FetchOptions options;
  options.attributes = heading().primary_key();
  return fetch(options);
}

}  // namespace dj
