#include "dj/relation.hpp"

#include <algorithm>
#include <regex>
#include <set>
#include <stdexcept>

#include "dj/identifiers.hpp"
#include "text.hpp"

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

/// Adds computed attributes to `heading`; their select items, "(<expression>) AS <name>".
std::vector<std::string> computed_items(const std::map<std::string, std::string>& expressions,
                                        Heading& heading) {
  std::vector<std::string> items;
  for (const auto& [name, expression] : expressions) {
    heading.attributes.push_back(computed_attribute(name));
    items.push_back("(" + expression + ") AS " + quote_identifier(name));
  }
  return items;
}

/// "SELECT <head>" over `select` as a subquery aliased `alias`.
SqlFragment select_from(const std::string& head, const SqlFragment& select,
                        const std::string& alias) {
  SqlFragment sql("SELECT " + head + " FROM (");
  sql += select;
  sql += ") AS " + alias;
  return sql;
}

}  // namespace

Relation::Relation(std::shared_ptr<const Heading> heading, SqlFragment select,
                   std::string description)
    : heading_(std::move(heading)),
      select_(std::move(select)),
      description_(std::move(description)) {}

Relation Relation::of_table(std::shared_ptr<const Heading> heading) {
  std::vector<std::string> columns;
  for (const auto& name : heading->names()) columns.push_back(quote_identifier(name));
  if (columns.empty()) columns.push_back("*");
  SqlFragment select("SELECT " + dj::join(columns, ", ") + " FROM " +
                     qualified_name(heading->schema, heading->table));
  std::string description = heading->schema + "." + heading->table;
  return Relation(std::move(heading), std::move(select), std::move(description));
}

Relation Relation::restrict(const Restriction& restriction) const {
  SqlFragment sql = select_from("*", select_, "_r");
  sql += " WHERE ";
  sql += restriction.compile(*heading_, "_r");
  return Relation(heading_, std::move(sql), description_ + " & " + restriction.describe());
}

Relation Relation::join(const Relation& other) const {
  auto heading = std::make_shared<Heading>();
  std::vector<std::string> right_only;
  std::vector<SqlFragment> matches;
  for (const auto& a : heading_->attributes) {
    if (a.name.front() == '_') continue;
    Attribute copy = a;
    if (other.heading_->has(a.name)) {
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
  return Relation(std::move(heading), std::move(sql),
                  "(" + description_ + ") * (" + other.description_ + ")");
}

Relation Relation::proj(const std::vector<std::string>& attributes,
                        const std::map<std::string, std::string>& renames,
                        const std::map<std::string, std::string>& computed) const {
  auto heading = std::make_shared<Heading>();
  std::vector<std::string> items;
  std::set<std::string> renamed_away;
  for (const auto& [new_name, old_name] : renames) {
    validate_attribute_name(new_name);
    heading_->at(old_name);  // throws naming the relation's table when unknown
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
  for (auto& item : computed_items(computed, *heading)) items.push_back(std::move(item));
  return Relation(std::move(heading), select_from(dj::join(items, ", "), select_, "_p"),
                  description_ + ".proj()");
}

Relation Relation::aggr(const Relation& other, const std::map<std::string, std::string>& aggregates,
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
  const std::vector<std::string> items = computed_items(aggregates, *heading);
  std::vector<std::string> names;
  for (const auto& [name, expression] : aggregates) names.push_back(name);
  SqlFragment where =
      matches.empty() ? SqlFragment() : " WHERE " + join_fragments(matches, " AND ");
  SqlFragment sql("SELECT _a.*");
  if (!names.empty()) sql += ", " + column_list(names, "_g");
  sql += " FROM (";
  sql += select_;
  sql += ") AS _a CROSS JOIN LATERAL (";
  sql += select_from(dj::join(items, ", "), other.select_, "_b");
  sql += where;
  sql += ") AS _g";
  if (!keep_all_rows) {
    sql += " WHERE EXISTS (";
    sql += select_from("1", other.select_, "_b");
    sql += where;
    sql += ")";
  }
  return Relation(std::move(heading), std::move(sql),
                  description_ + ".aggr(" + other.description_ + ")");
}

Relation Relation::summary(const std::map<std::string, std::string>& aggregates) const {
  auto heading = std::make_shared<Heading>();
  const std::vector<std::string> items = computed_items(aggregates, *heading);
  return Relation(std::move(heading), select_from(dj::join(items, ", "), select_, "_q"),
                  "aggregate of " + description_);
}

SqlFragment Relation::order_clause(const std::vector<std::string>& order_by) const {
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

SqlFragment Relation::fetch_sql(const FetchOptions& options) const {
  const std::vector<std::string> names =
      options.attributes.empty() ? heading_->names() : options.attributes;
  for (const auto& name : names) heading_->at(name);
  SqlFragment sql = select_from(column_list(names, "_q"), select_, "_q");
  sql += order_clause(options.order_by);
  if (options.limit) {
    sql += " LIMIT ";
    sql.param(std::to_string(*options.limit));
  }
  if (options.offset) {
    sql += " OFFSET ";
    sql.param(std::to_string(options.offset));
  }
  return sql;
}

SqlFragment Relation::count_sql() const {
  return select_from("count(*)", select_, "_q");
}

SqlFragment Relation::exists_sql() const {
  SqlFragment sql("SELECT EXISTS (");
  sql += select_;
  sql += ")";
  return sql;
}

SqlFragment Relation::distinct_sql(const std::vector<std::string>& attributes) const {
  for (const auto& name : attributes) heading_->at(name);
  const std::string columns = column_list(attributes, "_q");
  SqlFragment sql = select_from("DISTINCT " + columns, select_, "_q");
  sql += " ORDER BY " + columns;
  return sql;
}

}  // namespace dj
