// Table::describe(): the definition text rebuilt from the catalog alone.

#include <regex>
#include <set>

#include "dj/dependencies.hpp"
#include "dj/table.hpp"
#include "text.hpp"

namespace dj {
namespace {

/// The catalog's default expression as definition text ('abc'::character varying -> "abc").
std::string default_text(const Attribute& a) {
  if (!a.default_sql) return a.nullable ? "null" : "";
  const std::string& sql = *a.default_sql;
  if (to_lower(sql) == "null" || to_lower(sql.substr(0, 5)) == "null:") return "null";
  static const std::regex cast_literal(R"(^'((?:[^']|'')*)'(?:::.*)?$)");
  static const std::regex number(R"(^\(?(-?[0-9]+(?:\.[0-9]+)?)\)?(?:::.*)?$)");
  std::smatch m;
  if (std::regex_match(sql, m, cast_literal)) {
    const std::string inner = std::regex_replace(m[1].str(), std::regex("''"), "'");
    if (std::regex_match(inner, std::regex(R"(-?[0-9]+(\.[0-9]+)?)"))) return inner;
    return "\"" + inner + "\"";
  }
  if (std::regex_match(sql, m, number)) return m[1].str();
  return sql;
}

std::string reference_name(const TableRef& parent, const std::string& own_schema) {
  std::string master;
  const Tier tier = tier_of_table_name(parent.table, &master);
  const std::string name =
      tier == Tier::part
          ? to_class_name(master) + "." + to_class_name(parent.table.substr(master.size() + 2))
          : to_class_name(parent.table);
  return parent.schema == own_schema ? name : parent.schema + "." + name;
}

}  // namespace

std::string Table::describe() const {
  const Heading& h = heading();
  std::string text;
  if (!h.comment.empty()) text += "# " + h.comment + "\n";
  Dependencies graph;
  std::vector<std::string> indexes;
  connection().read([&](pqxx::transaction_base& tx) {
    graph = Dependencies::load(tx, {h.schema});
    for (const auto& row : tx.exec_params("SELECT i.indisunique, string_agg(a.attname, ', ' ORDER "
                                          "BY array_position(i.indkey::int2[], a.attnum)) "
                                          "FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
                                          "i.indrelid AND a.attnum = ANY(i.indkey) "
                                          "WHERE i.indrelid = to_regclass($1) AND NOT "
                                          "i.indisprimary GROUP BY i.indexrelid, i.indisunique "
                                          "ORDER BY i.indexrelid",
                                          qualified_name(h.schema, h.table))) {
      indexes.push_back(std::string(row[0].as<bool>() ? "unique index(" : "index(") +
                        row[1].as<std::string>() + ")");
    }
  });
  const auto parents = graph.parents_of({h.schema, h.table});
  std::set<std::string> from_foreign_keys;
  bool in_key = true;
  for (const auto& a : h.attributes) {
    if (a.name == "_singleton") continue;
    if (in_key && !a.in_key) {
      text += "---\n";
      in_key = false;
    }
    if (from_foreign_keys.count(a.name)) continue;
    const Dependency* fk = nullptr;
    for (const auto* d : parents) {
      if (d->columns.front().first == a.name) fk = d;
    }
    if (fk) {
      std::string line = "-> ";
      if (a.nullable) line += "[nullable] ";
      line += reference_name(fk->parent, h.schema);
      std::vector<std::string> renames;
      for (const auto& [child, parent] : fk->columns) {
        from_foreign_keys.insert(child);
        if (child != parent) renames.push_back(child + "='" + parent + "'");
      }
      if (!renames.empty()) line += ".proj(" + dj::join(renames, ", ") + ")";
      text += line + "\n";
      continue;
    }
    const std::string default_value = default_text(a);
    text += a.name + (default_value.empty() ? "" : "=" + default_value) + " : " + a.display_type() +
            (a.comment.empty() ? "" : "  # " + a.comment) + "\n";
  }
  for (const auto& index : indexes) text += index + "\n";
  return text;
}

}  // namespace dj
