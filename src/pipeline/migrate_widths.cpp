// Columns an earlier schemas/*.dj declared narrower (subject varchar(8), file_path varchar(255))
// widened to today's definitions, with the key columns that reference them.

#include <regex>
#include <set>
#include <variant>

#include <spdlog/spdlog.h>

#include "dj/alter.hpp"
#include "dj/declare.hpp"
#include "dj/identifiers.hpp"
#include "pipeline/migrations.hpp"

namespace pipeline {
namespace {

/// A column whose definition is wider than the catalog's.
struct Widening {
  dj::Table table;
  std::string column, type;
};

long width(const std::string& type) {
  static const std::regex sized(R"((?:varchar|char)\((\d+)\))");
  std::smatch m;
  return std::regex_match(type, m, sized) ? std::stol(m[1].str()) : -1;
}

std::vector<Widening> widenings(const Pipeline& pipe) {
  std::vector<Widening> found;
  // Linked under a lab's tables, the pipeline holds no lab, subject or session schema.
  std::set<std::string> held;
  for (const std::string& name : pipe.table_names()) held.insert(name.substr(0, name.find('.')));
  for (const SchemaSpec& spec : builtin_schemas()) {
    if (!held.contains(spec.name)) continue;
    for (const TableSpec& table_spec : spec.tables) {
      const std::string name = spec.name + "." +
                               (table_spec.tier == dj::Tier::part ? table_spec.master + "." : "") +
                               table_spec.class_name;
      const dj::Table table = pipe.table(name);
      for (const auto& item : dj::parse_definition(name, table_spec.definition).items) {
        const auto* line = std::get_if<dj::AttributeLine>(&item);
        if (!line) continue;  // inherited columns follow their parent's
        const std::string declared = dj::resolve_type(line->type, table.schema_name()).sql;
        const long wanted = width(declared);
        if (wanted > width(table.heading().at(line->name).sql_type) &&
            width(table.heading().at(line->name).sql_type) > 0)
          found.push_back({table, line->name, declared});
      }
    }
  }
  return found;
}

}  // namespace

std::vector<std::string> migrate_column_widths(Pipeline& pipe) {
  const std::vector<Widening> pending = widenings(pipe);
  if (pending.empty()) return {};
  std::vector<std::string> changed;
  dj::Connection::Transaction transaction(pipe.connection());
  pqxx::transaction_base& tx = transaction.native();
  // A view fixes the types of the columns it selects: the SQL helpers' views go, and
  // install_sql_helpers() (fmpipe init runs it next) creates them again.
  const std::string views = pipe.prefix() + "views";
  for (const auto& row : tx.exec_params(
           "SELECT viewname FROM pg_views WHERE schemaname = $1 ORDER BY viewname", views)) {
    tx.exec("DROP VIEW IF EXISTS " + dj::qualified_name(views, row[0].as<std::string>()) +
            " CASCADE");
    spdlog::info("dropped the view {}.{} to widen its columns", views, row[0].as<std::string>());
  }
  for (const Widening& w : pending) {
    for (const auto& column :
         dj::widen_column(tx, w.table.schema_name(), w.table.table_name(), w.column, w.type)) {
      spdlog::info("widened {} to {}", column, w.type);
      changed.push_back(column);
    }
  }
  transaction.commit();
  return changed;
}

}  // namespace pipeline
