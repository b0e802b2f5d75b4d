// fmpipe sql: run SQL against the database in use and print the result as a table.

#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "pipeline/config_locations.hpp"

namespace fmpipe::cli {

void add_sql_command(CLI::App& app) {
  auto statement = std::make_shared<std::string>();
  auto* sql = app.add_subcommand("sql", "Run one SQL statement and print its rows (tab-separated)");
  sql->add_option("statement", *statement, "The SQL text")->required();
  sql->callback([statement] {
    auto connection = pipeline::open_database();
    pqxx::nontransaction work(connection->native());
    const pqxx::result rows = work.exec(*statement);
    for (pqxx::row::size_type c = 0; c < rows.columns(); ++c) {
      std::cout << (c ? "\t" : "") << rows.column_name(c);
    }
    if (rows.columns()) std::cout << "\n";
    for (const auto& row : rows) {
      for (pqxx::row::size_type c = 0; c < row.size(); ++c) {
        std::cout << (c ? "\t" : "") << (row[c].is_null() ? "NULL" : row[c].c_str());
      }
      std::cout << "\n";
    }
  });
}

}  // namespace fmpipe::cli
