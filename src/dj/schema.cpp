#include "dj/schema.hpp"

#include <algorithm>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "dj/declare.hpp"
#include "dj/identifiers.hpp"
#include "text.hpp"

namespace dj {

struct Schema::State {
  Connection* connection;
  std::string name;
  std::map<std::string, std::string> tables;  // class name ("A" or "A.B") -> table name
  std::vector<std::pair<std::string, std::shared_ptr<State>>> links;
  std::vector<TableDeclaration> declarations;  // made through this object
};

namespace {

constexpr const char* kLineageDdl =
    "CREATE TABLE IF NOT EXISTS {S}.\"~lineage\" (\n"
    "\"table_name\" VARCHAR(64) NOT NULL,\n"
    "\"attribute_name\" VARCHAR(64) NOT NULL,\n"
    "\"lineage\" VARCHAR(255) NOT NULL,\n"
    "PRIMARY KEY (\"table_name\", \"attribute_name\")\n"
    ")";

std::string lineage_ddl(const std::string& schema) {
  std::string ddl = kLineageDdl;
  ddl.replace(ddl.find("{S}"), 3, quote_identifier(schema));
  return ddl;
}

std::map<std::string, std::string> read_lineage(pqxx::transaction_base& tx,
                                                const std::string& schema,
                                                const std::string& table) {
  std::map<std::string, std::string> lineage;
  const std::string relation = qualified_name(schema, "~lineage");
  if (!table_exists(tx, schema, "~lineage")) return lineage;
  for (const auto& row : tx.exec_params(
           "SELECT attribute_name, lineage FROM " + relation + " WHERE table_name = $1", table)) {
    lineage[row[0].as<std::string>()] = row[1].as<std::string>();
  }
  return lineage;
}

void load_tables(pqxx::transaction_base& tx, Schema::State& state) {
  state.tables.clear();
  for (const auto& row : tx.exec_params(
           "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = $1 AND c.relkind = 'r'",
           state.name)) {
    const std::string table = row[0].as<std::string>();
    std::string master;
    Tier tier;
    try {
      tier = tier_of_table_name(table, &master);
    } catch (const std::invalid_argument&) {
      continue;  // hidden (~lineage, ~~jobs) or not DataJoint's
    }
    const std::string class_name =
        tier == Tier::part
            ? to_class_name(master) + "." + to_class_name(table.substr(master.size() + 2))
            : to_class_name(table);
    state.tables[class_name] = table;
  }
}

}  // namespace

bool Schema::exists(Connection& connection, const std::string& name) {
  bool found = false;
  connection.read([&](pqxx::transaction_base& tx) {
    found = !tx.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", name).empty();
  });
  return found;
}

Schema::Schema(Connection& connection, const std::string& name, bool create)
    : state_(std::make_shared<State>()) {
  validate_schema_name(name);
  state_->connection = &connection;
  state_->name = name;
  connection.run([&](pqxx::transaction_base& tx) {
    // Serialise concurrent creators (many workers start at once) on an advisory lock.
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", "dj.schema." + name);
    const bool exists =
        !tx.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", name).empty();
    if (!exists) {
      if (!create) throw std::runtime_error("schema '" + name + "' does not exist");
      tx.exec("CREATE SCHEMA " + quote_identifier(name));
      spdlog::info("created schema {}", name);
    }
    if (create) tx.exec(lineage_ddl(name));
    load_tables(tx, *state_);
  });
}

const std::string& Schema::name() const {
  return state_->name;
}
Connection& Schema::connection() const {
  return *state_->connection;
}

Schema& Schema::link(const std::string& alias, const Schema& other) {
  state_->links.emplace_back(alias, other.state_);
  return *this;
}

void Schema::refresh() {
  state_->connection->read([&](pqxx::transaction_base& tx) { load_tables(tx, *state_); });
}

ReferencedTable Schema::resolve(const std::string& reference,
                                const std::string& master_class) const {
  std::string resolved_class;
  const State* owner = nullptr;
  const auto parts = split(reference, '.');
  if (parts.front() == "master") {
    if (master_class.empty()) throw std::invalid_argument("'master' is only valid in a part table");
    resolved_class =
        master_class + (parts.size() > 1 ? "." + join({parts.begin() + 1, parts.end()}, ".") : "");
    owner = state_.get();
  } else if (state_->tables.count(reference)) {
    resolved_class = reference;
    owner = state_.get();
  } else {
    for (const auto& [alias, linked] : state_->links) {
      if (parts.size() > 1 && alias == parts.front()) {
        const std::string rest = join({parts.begin() + 1, parts.end()}, ".");
        if (linked->tables.count(rest)) {
          resolved_class = rest;
          owner = linked.get();
          break;
        }
      }
    }
    for (size_t i = 0; !owner && i < state_->links.size(); ++i) {
      if (state_->links[i].second->tables.count(reference)) {
        resolved_class = reference;
        owner = state_->links[i].second.get();
      }
    }
  }
  if (!owner || !owner->tables.count(resolved_class)) {
    throw std::invalid_argument("no table '" + reference + "' in schema " + state_->name +
                                " or its linked schemas");
  }
  ReferencedTable referenced;
  const std::string table = owner->tables.at(resolved_class);
  state_->connection->read([&](pqxx::transaction_base& tx) {
    referenced.heading = load_heading(tx, owner->name, table);
    referenced.lineage = read_lineage(tx, owner->name, table);
  });
  return referenced;
}

Table Schema::declare_table(const std::string& class_name, const std::string& table_name, Tier tier,
                            const std::string& definition, const std::string& master_class) {
  if (state_->tables.count(class_name)) return table(class_name);
  const ParsedDefinition parsed = parse_definition(class_name, definition);
  const TableDeclaration declaration = compile_declaration(
      state_->name, table_name, tier, parsed,
      [&](const std::string& reference) { return resolve(reference, master_class); });
  bool created = false;
  state_->connection->run([&](pqxx::transaction_base& tx) {
    if (!create_declared_table(tx, declaration, class_name)) return;
    record_lineage(tx, declaration);
    created = true;
  });
  spdlog::debug("declared {}.{}", state_->name, table_name);
  if (created) state_->declarations.push_back(declaration);
  state_->tables[class_name] = table_name;
  return table(class_name);
}

Table Schema::declare(const std::string& class_name, Tier tier, const std::string& definition) {
  if (tier == Tier::part)
    throw std::invalid_argument("declare parts with declare_part: " + class_name);
  return declare_table(class_name, master_table_name(class_name, tier), tier, definition, "");
}

Table Schema::declare_lookup(const std::string& class_name, const std::string& definition,
                             const std::vector<Row>& contents) {
  Table lookup = declare(class_name, Tier::lookup, definition);
  InsertOptions options;
  options.skip_duplicates = true;
  lookup.insert(contents, options);
  return lookup;
}

Table Schema::declare_part(const std::string& master_class, const std::string& part_class,
                           const std::string& definition) {
  auto master = state_->tables.find(master_class);
  if (master == state_->tables.end()) {
    throw std::invalid_argument("declare part " + part_class + ": master " + master_class +
                                " is not declared in schema " + state_->name);
  }
  return declare_table(master_class + "." + part_class, part_table_name(master->second, part_class),
                       Tier::part, definition, master_class);
}

Table Schema::table(const std::string& class_name) const {
  auto it = state_->tables.find(class_name);
  if (it == state_->tables.end()) {
    throw std::invalid_argument("schema " + state_->name + " has no table " + class_name);
  }
  return Table(*state_->connection, state_->name, it->second);
}

const std::vector<TableDeclaration>& Schema::declarations() const {
  return state_->declarations;
}

bool Schema::has_table(const std::string& class_name) const {
  return state_->tables.count(class_name) > 0;
}

Dependencies Schema::dependencies() const {
  Dependencies graph;
  state_->connection->read(
      [&](pqxx::transaction_base& tx) { graph = Dependencies::load(tx, {state_->name}); });
  return graph;
}

std::vector<std::string> Schema::class_names() const {
  std::vector<std::string> names;
  const Dependencies graph = dependencies();
  for (const auto& ref : graph.tables()) {
    if (ref.schema != state_->name) continue;
    for (const auto& [class_name, table] : state_->tables) {
      if (table == ref.table) names.push_back(class_name);
    }
  }
  return names;
}

void Schema::drop() {
  state_->connection->run([&](pqxx::transaction_base& tx) {
    const auto graph = Dependencies::load(tx, {state_->name});
    for (const auto& edge : graph.edges()) {
      if (edge.parent.schema == state_->name && edge.child.schema != state_->name) {
        throw std::logic_error("cannot drop schema " + state_->name + ": " + edge.child.display() +
                               " depends on " + edge.parent.display());
      }
    }
    tx.exec("DROP SCHEMA IF EXISTS " + quote_identifier(state_->name) + " CASCADE");
  });
  state_->tables.clear();
}

void Schema::grant_read(const std::string& role) const {
  validate_attribute_name(role);
  state_->connection->run([&](pqxx::transaction_base& tx) {
    tx.exec("GRANT USAGE ON SCHEMA " + quote_identifier(state_->name) + " TO " +
            quote_identifier(role));
    tx.exec("GRANT SELECT, REFERENCES ON ALL TABLES IN SCHEMA " + quote_identifier(state_->name) +
            " TO " + quote_identifier(role));
  });
}

}  // namespace dj
