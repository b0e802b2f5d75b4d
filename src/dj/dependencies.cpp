#include "dj/dependencies.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "dj/identifiers.hpp"
#include "text.hpp"

namespace dj {

std::string TableRef::quoted() const {
  return qualified_name(schema, table);
}

bool Dependency::renamed() const {
  return std::any_of(columns.begin(), columns.end(),
                     [](const auto& pair) { return pair.first != pair.second; });
}

namespace {

// Column lists travel as one text field separated by a control character that no identifier
// of ours can hold.
constexpr char kSeparator = '\x1f';

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> names;
  std::string current;
  for (char c : text) {
    if (c == kSeparator) {
      names.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  names.push_back(current);
  return names;
}

std::string schema_filter(const std::vector<std::string>& schemas) {
  for (const auto& s : schemas) validate_schema_name(s);
  return "{" + join(schemas, ",") + "}";
}

}  // namespace

Dependencies Dependencies::load(pqxx::transaction_base& tx,
                                const std::vector<std::string>& schemas) {
  const bool all = schemas.empty();
  const std::string filter = schema_filter(schemas);
  Dependencies graph;
  std::vector<TableRef> nodes;
  for (const auto& row : tx.exec_params("SELECT n.nspname, c.relname FROM pg_class c JOIN "
                                        "pg_namespace n ON n.oid = c.relnamespace "
                                        "WHERE c.relkind = 'r' AND c.relname NOT LIKE '~%' AND ($1 "
                                        "OR n.nspname = ANY($2::text[])) "
                                        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                                        "AND n.nspname NOT LIKE 'pg_%'",
                                        all, filter)) {
    nodes.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
  }
  const std::string separator(1, kSeparator);
  for (const auto& row : tx.exec_params(
           "SELECT cn.nspname, cc.relname, pn.nspname, pc.relname, "
           "string_agg(ca.attname, $3 ORDER BY k.ord), string_agg(pa.attname, $3 ORDER BY k.ord), "
           "bool_and(ci.indkey IS NOT NULL AND ca.attnum = ANY(ci.indkey)) "
           "FROM pg_constraint c "
           "JOIN pg_class cc ON cc.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = "
           "cc.relnamespace "
           "JOIN pg_class pc ON pc.oid = c.confrelid JOIN pg_namespace pn ON pn.oid = "
           "pc.relnamespace "
           "CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(child_att, "
           "parent_att, ord) "
           "JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = k.child_att "
           "JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.parent_att "
           "LEFT JOIN pg_index ci ON ci.indrelid = c.conrelid AND ci.indisprimary "
           "WHERE c.contype = 'f' AND cc.relname NOT LIKE '~%' AND pc.relname NOT LIKE '~%' "
           "AND ($1 OR cn.nspname = ANY($2::text[]) OR pn.nspname = ANY($2::text[])) "
           "GROUP BY c.oid, cn.nspname, cc.relname, pn.nspname, pc.relname ORDER BY c.oid",
           all, filter, separator)) {
    Dependency d;
    d.child = {row[0].as<std::string>(), row[1].as<std::string>()};
    d.parent = {row[2].as<std::string>(), row[3].as<std::string>()};
    const auto child_columns = split_names(row[4].as<std::string>());
    const auto parent_columns = split_names(row[5].as<std::string>());
    for (size_t i = 0; i < child_columns.size(); ++i)
      d.columns.emplace_back(child_columns[i], parent_columns[i]);
    d.primary = row[6].as<bool>();
    graph.edges_.push_back(std::move(d));
    for (const auto& ref : {graph.edges_.back().child, graph.edges_.back().parent}) {
      if (std::find(nodes.begin(), nodes.end(), ref) == nodes.end()) nodes.push_back(ref);
    }
  }
  // Topological order (Kahn), ties broken by name so the order is stable.
  std::map<TableRef, int> pending_parents;
  for (const auto& n : nodes) pending_parents[n] = 0;
  for (const auto& e : graph.edges_) {
    if (!(e.child == e.parent)) ++pending_parents[e.child];
  }
  std::set<TableRef> ready;
  for (const auto& [n, count] : pending_parents) {
    if (count == 0) ready.insert(n);
  }
  while (!ready.empty()) {
    const TableRef next = *ready.begin();
    ready.erase(ready.begin());
    graph.tables_.push_back(next);
    for (const auto& e : graph.edges_) {
      if (e.parent == next && !(e.child == next) && --pending_parents[e.child] == 0) {
        ready.insert(e.child);
      }
    }
  }
  if (graph.tables_.size() != pending_parents.size()) {
    throw std::runtime_error("the foreign-key graph has a cycle; DataJoint requires it acyclic");
  }
  return graph;
}

std::vector<const Dependency*> Dependencies::parents_of(const TableRef& table) const {
  std::vector<const Dependency*> out;
  for (const auto& e : edges_) {
    if (e.child == table) out.push_back(&e);
  }
  return out;
}

std::vector<const Dependency*> Dependencies::children_of(const TableRef& table) const {
  std::vector<const Dependency*> out;
  for (const auto& e : edges_) {
    if (e.parent == table) out.push_back(&e);
  }
  return out;
}

std::vector<TableRef> Dependencies::descendants(const TableRef& table) const {
  std::set<TableRef> reached{table};
  std::vector<TableRef> out;
  for (const auto& node : tables_) {
    if (!reached.count(node)) {
      for (const auto* e : parents_of(node)) {
        if (reached.count(e->parent)) {
          reached.insert(node);
          break;
        }
      }
    }
    if (reached.count(node)) out.push_back(node);
  }
  return out;
}

namespace {
struct NodeStyle {
  std::string label;
  std::string dot_attributes;
  std::string mermaid_class;
};

NodeStyle style_of(const TableRef& ref) {
  std::string master;
  Tier tier = Tier::manual;
  try {
    tier = tier_of_table_name(ref.table, &master);
  } catch (const std::invalid_argument&) {
    return {ref.display(), "shape=box", "other"};
  }
  const std::string label = ref.schema + "." +
                            (tier == Tier::part ? to_class_name(master) + "." : "") +
                            to_class_name(ref.table.substr(master.empty() ? 0 : master.size() + 2));
  switch (tier) {
    case Tier::manual:
      return {label, "shape=box, style=filled, fillcolor=\"#00ff0030\"", "manual"};
    case Tier::lookup:
      return {label, "shape=plaintext, style=filled, fillcolor=\"#00000020\"", "lookup"};
    case Tier::imported:
      return {label, "shape=ellipse, style=filled, fillcolor=\"#00007f40\"", "imported"};
    case Tier::computed:
      return {label, "shape=ellipse, style=filled, fillcolor=\"#ff000030\"", "computed"};
    case Tier::part:
      return {label, "shape=plaintext, fontsize=10", "part"};
  }
  return {label, "", "other"};
}

std::string node_id(const TableRef& ref, const std::vector<TableRef>& tables) {
  return "t" + std::to_string(std::find(tables.begin(), tables.end(), ref) - tables.begin());
}
}  // namespace

std::string Dependencies::to_dot() const {
  std::ostringstream out;
  out << "digraph dependencies {\n  rankdir=TB;\n";
  for (const auto& t : tables_) {
    const NodeStyle s = style_of(t);
    out << "  " << node_id(t, tables_) << " [label=\"" << s.label << "\", " << s.dot_attributes
        << "];\n";
  }
  for (const auto& e : edges_) {
    out << "  " << node_id(e.parent, tables_) << " -> " << node_id(e.child, tables_) << " ["
        << (e.primary ? "style=solid" : "style=dashed") << (e.renamed() ? ", color=orange" : "")
        << "];\n";
  }
  out << "}\n";
  return out.str();
}

std::string Dependencies::to_mermaid() const {
  std::ostringstream out;
  out << "flowchart TB\n";
  for (const auto& t : tables_) {
    const NodeStyle s = style_of(t);
    out << "  " << node_id(t, tables_) << "[\"" << s.label << "\"]:::" << s.mermaid_class << "\n";
  }
  for (const auto& e : edges_) {
    out << "  " << node_id(e.parent, tables_) << (e.primary ? " --> " : " -.-> ")
        << node_id(e.child, tables_) << "\n";
  }
  out << "  classDef manual fill:#c8f7c5\n  classDef lookup fill:#dddddd\n"
         "  classDef imported fill:#c5cbf7\n  classDef computed fill:#f7c5c5\n"
         "  classDef part fill:#ffffff\n  classDef other fill:#ffffff\n";
  return out.str();
}

}  // namespace dj
