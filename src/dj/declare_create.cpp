// A compiled declaration -> the table on the server (shared by Schema and JobTable).

#include "dj/declare.hpp"
#include "text.hpp"

namespace dj {

bool create_declared_table(pqxx::transaction_base& tx, const TableDeclaration& declaration,
                           const std::string& display_name) {
  const std::string& schema = declaration.schema;
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", "dj.schema." + schema);
  if (table_exists(tx, schema, declaration.table))
    return false;  // another program declared it meanwhile
  for (const auto& [type_name, values] : declaration.enum_types) {
    const bool exists = !tx.exec_params(
                               "SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = "
                               "t.typnamespace WHERE n.nspname = $1 AND t.typname = $2",
                               schema, type_name)
                             .empty();
    if (exists) continue;
    std::vector<std::string> labels;
    for (const auto& v : values) labels.push_back(quote_literal(v));
    tx.exec("CREATE TYPE " + qualified_name(schema, type_name) + " AS ENUM (" + join(labels, ", ") +
            ")");
  }
  try {
    tx.exec(declaration.create_table);
    for (const auto& statement : declaration.post_ddl) tx.exec(statement);
  } catch (const pqxx::sql_error& e) {
    throw DefinitionError("table " + display_name +
                          ": the server refused its declaration: " + e.what());
  }
  return true;
}

void record_lineage(pqxx::transaction_base& tx, const TableDeclaration& declaration) {
  const std::string lineage = qualified_name(declaration.schema, "~lineage");
  tx.exec_params("DELETE FROM " + lineage + " WHERE table_name = $1", declaration.table);
  for (const auto& [attribute, origin] : declaration.lineage) {
    tx.exec_params(
        "INSERT INTO " + lineage +
            " (table_name, attribute_name, lineage) VALUES ($1, $2, $3) "
            "ON CONFLICT (table_name, attribute_name) DO UPDATE SET lineage = EXCLUDED.lineage",
        declaration.table, attribute, origin);
  }
}

}  // namespace dj
