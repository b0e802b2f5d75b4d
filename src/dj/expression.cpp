#include "dj/expression.hpp"

#include <algorithm>
#include <regex>
#include <set>
#include <stdexcept>

#include "dj/identifiers.hpp"
#include "text.hpp"
#include "value_sql.hpp"

namespace dj {
namespace {

std::string column_list(const std::vector<std::string>& names, const std::string& alias) {
  std::vector<std::string> quoted;
  for (const auto& name : names) quoted.push_back(alias + "." + quote_identifier(name));
  return dj::join(quoted, ", ");
}

/// An attribute whose type is whatever the SQL expression yields (converted by type OID).
Attribute computed_attribute(const std::string& name) {
  validate_attribute_name(name);
  Attribute a;
  a.name = name;
  a.sql_type = "computed";
  a.category = TypeCategory::string;
  return a;
}

std::vector<Row> rows_of(const pqxx::result& result, const Heading& heading) {
  auto names = std::make_shared<std::vector<std::string>>();
  std::vector<const Attribute*> attributes;
  for (pqxx::row::size_type c = 0; c < result.columns(); ++c) {
    names->push_back(result.column_name(c));
    attributes.push_back(heading.has(names->back()) ? &heading.at(names->back()) : nullptr);
  }
  std::vector<Row> rows;
  rows.reserve(result.size());
  for (const auto& row : result) {
    std::vector<Value> values;
    values.reserve(row.size());
    for (pqxx::row::size_type c = 0; c < row.size(); ++c) {
      values.push_back(detail::from_field(row[c], attributes[c]));
    }
    rows.emplace_back(names, std::move(values));
  }
  return rows;
}

}  // namespace

long long DeleteResult::total() const {
  long long sum = 0;
  for (const auto& [table, n] : counts) sum += n;
  return sum;
}

Query::Query(Connection& connection, std::shared_ptr<const Heading> heading, SqlFragment select,
             std::string description)
    : connection_(&connection),
      heading_(std::move(heading)),
      select_(std::move(select)),
      description_(std::move(description)) {}

Query Query::restrict(const Restriction& restriction) const {
  SqlFragment sql("SELECT * FROM (");
  sql += select_;
  sql += ") AS _r WHERE ";
  sql += restriction.compile(*heading_, "_r");
  Query result(*connection_, heading_, std::move(sql),
               description_ + " & " + restriction.describe());
  result.base_ = base_;
  return result;
}

Query Query::join(const Query& other) const {
  auto heading = std::make_shared<Heading>();
  std::vector<std::string> common, right_only;
  std::vector<SqlFragment> matches;
  for (const auto& a : heading_->attributes) {
    if (a.name.front() == '_') continue;
    Attribute copy = a;
    if (other.heading_->has(a.name)) {
      common.push_back(a.name);
      copy.in_key = a.in_key || other.heading_->at(a.name).in_key;
      matches.emplace_back("_a." + quote_identifier(a.name) + " = _b." + quote_identifier(a.name));
    }
    heading->attributes.push_back(copy);
  }
  for (const auto& a : other.heading_->attributes) {
    if (a.name.front() == '_' || heading_->has(a.name)) continue;
    right_only.push_back(a.name);
    heading->attributes.push_back(a);
  }
  SqlFragment sql("SELECT _a.*");
  if (!right_only.empty()) sql += ", " + column_list(right_only, "_b");
  sql += " FROM (";
  sql += select_;
  sql += ") AS _a " + std::string(matches.empty() ? "CROSS JOIN (" : "JOIN (");
  sql += other.select_;
  sql += ") AS _b";
  if (!matches.empty()) sql += " ON " + join_fragments(matches, " AND ");
  return Query(*connection_, std::move(heading), std::move(sql),
               "(" + description_ + ") * (" + other.description_ + ")");
}

Query Query::proj(const std::vector<std::string>& attributes,
                  const std::map<std::string, std::string>& renames,
                  const std::map<std::string, std::string>& computed) const {
  auto heading = std::make_shared<Heading>();
  std::vector<std::string> items;
  std::set<std::string> renamed_away;
  for (const auto& [new_name, old_name] : renames) {
    validate_attribute_name(new_name);
    heading_->at(old_name);  // throws naming the query's table when unknown
    renamed_away.insert(old_name);
  }
  for (const auto& name : attributes) heading_->at(name);
  for (const auto& a : heading_->attributes) {
    if (a.name.front() == '_') continue;
    const bool listed = std::find(attributes.begin(), attributes.end(), a.name) != attributes.end();
    if (renamed_away.count(a.name)) {
      for (const auto& [new_name, old_name] : renames) {
        if (old_name != a.name) continue;
        Attribute copy = a;
        copy.name = new_name;
        heading->attributes.push_back(copy);
        items.push_back(quote_identifier(a.name) + " AS " + quote_identifier(new_name));
      }
    } else if (a.in_key || listed) {
      heading->attributes.push_back(a);
      items.push_back(quote_identifier(a.name));
    }
  }
  for (const auto& [name, expression] : computed) {
    heading->attributes.push_back(computed_attribute(name));
    items.push_back("(" + expression + ") AS " + quote_identifier(name));
  }
  SqlFragment sql("SELECT " + dj::join(items, ", ") + " FROM (");
  sql += select_;
  sql += ") AS _p";
  return Query(*connection_, std::move(heading), std::move(sql), description_ + ".proj()");
}

Query Query::aggr(const Query& other, const std::map<std::string, std::string>& aggregates,
                  bool keep_all_rows) const {
  auto heading = std::make_shared<Heading>();
  for (const auto& a : heading_->attributes) {
    if (a.name.front() != '_') heading->attributes.push_back(a);
  }
  std::vector<SqlFragment> matches;
  for (const auto& name : heading_->names()) {
    if (other.heading_->has(name)) {
      matches.emplace_back("_b." + quote_identifier(name) + " = _a." + quote_identifier(name));
    }
  }
  std::vector<std::string> items, names;
  for (const auto& [name, expression] : aggregates) {
    heading->attributes.push_back(computed_attribute(name));
    items.push_back("(" + expression + ") AS " + quote_identifier(name));
    names.push_back(name);
  }
  SqlFragment where =
      matches.empty() ? SqlFragment() : " WHERE " + join_fragments(matches, " AND ");
  SqlFragment sql("SELECT _a.*");
  if (!names.empty()) sql += ", " + column_list(names, "_g");
  sql += " FROM (";
  sql += select_;
  sql += ") AS _a CROSS JOIN LATERAL (SELECT " + dj::join(items, ", ") + " FROM (";
  sql += other.select_;
  sql += ") AS _b";
  sql += where;
  sql += ") AS _g";
  if (!keep_all_rows) {
    sql += " WHERE EXISTS (SELECT 1 FROM (";
    sql += other.select_;
    sql += ") AS _b";
    sql += where;
    sql += ")";
  }
  return Query(*connection_, std::move(heading), std::move(sql),
               description_ + ".aggr(" + other.description_ + ")");
}

Row Query::aggregate(const std::map<std::string, std::string>& aggregates) const {
  std::vector<std::string> items;
  auto heading = std::make_shared<Heading>();
  for (const auto& [name, expression] : aggregates) {
    heading->attributes.push_back(computed_attribute(name));
    items.push_back("(" + expression + ") AS " + quote_identifier(name));
  }
  SqlFragment sql("SELECT " + dj::join(items, ", ") + " FROM (");
  sql += select_;
  sql += ") AS _q";
  std::vector<Row> rows;
  connection_->read([&](pqxx::transaction_base& tx) {
    rows = rows_of(execute(tx, sql, "aggregate of " + description_), *heading);
  });
  return rows.front();
}

std::vector<Row> Query::distinct(const std::vector<std::string>& attributes) const {
  for (const auto& name : attributes) heading_->at(name);
  const std::string columns = column_list(attributes, "_q");
  SqlFragment sql("SELECT DISTINCT " + columns + " FROM (");
  sql += select_;
  sql += ") AS _q ORDER BY " + columns;
  std::vector<Row> rows;
  connection_->read([&](pqxx::transaction_base& tx) {
    rows = rows_of(execute(tx, sql, "distinct values of " + description_), *heading_);
  });
  return rows;
}

long long Query::count() const {
  SqlFragment sql("SELECT count(*) FROM (");
  sql += select_;
  sql += ") AS _q";
  long long n = 0;
  connection_->read([&](pqxx::transaction_base& tx) {
    n = execute(tx, sql, "count of " + description_)[0][0].as<long long>();
  });
  return n;
}

bool Query::exists() const {
  SqlFragment sql("SELECT EXISTS (");
  sql += select_;
  sql += ")";
  bool found = false;
  connection_->read([&](pqxx::transaction_base& tx) {
    found = execute(tx, sql, "existence in " + description_)[0][0].as<bool>();
  });
  return found;
}

SqlFragment Query::validated_order(const std::vector<std::string>& order_by) const {
  static const std::regex item(R"(^\s*([a-z][a-z0-9_]*)\s*(asc|desc|ASC|DESC)?\s*$)");
  std::vector<std::string> terms;
  for (const auto& text : order_by) {
    std::smatch m;
    if (!std::regex_match(text, m, item)) {
      throw std::invalid_argument("order_by item '" + text + "' of " + description_ +
                                  " is not 'attribute [asc|desc]'");
    }
    heading_->at(m[1].str());
    terms.push_back(quote_identifier(m[1].str()) +
                    (m[2].matched ? " " + to_lower(m[2].str()) : ""));
  }
  if (terms.empty()) {
    for (const auto& name : heading_->primary_key()) terms.push_back(quote_identifier(name));
  }
  return terms.empty() ? SqlFragment() : SqlFragment(" ORDER BY " + dj::join(terms, ", "));
}

std::vector<Row> Query::fetch(const FetchOptions& options) const {
  std::vector<std::string> names =
      options.attributes.empty() ? heading_->names() : options.attributes;
  for (const auto& name : names) heading_->at(name);
  SqlFragment sql("SELECT " + column_list(names, "_q") + " FROM (");
  sql += select_;
  sql += ") AS _q";
  sql += validated_order(options.order_by);
  if (options.limit) {
    sql += " LIMIT ";
    sql.param(std::to_string(*options.limit));
  }
  if (options.offset) {
    sql += " OFFSET ";
    sql.param(std::to_string(options.offset));
  }
  std::vector<Row> rows;
  connection_->read([&](pqxx::transaction_base& tx) {
    rows = rows_of(execute(tx, sql, "fetch from " + description_), *heading_);
  });
  return rows;
}

Row Query::fetch1(const std::vector<std::string>& attributes) const {
  FetchOptions options;
  options.attributes = attributes;
  options.limit = 2;
  auto rows = fetch(options);
  if (rows.size() != 1) {
    throw std::runtime_error("fetch1 of " + description_ + ": expected one row, found " +
                             (rows.empty() ? std::string("none") : std::string("several")));
  }
  return std::move(rows.front());
}

std::vector<Row> Query::fetch_keys() const {
  FetchOptions options;
  options.attributes = heading_->primary_key();
  return fetch(options);
}

}  // namespace dj
