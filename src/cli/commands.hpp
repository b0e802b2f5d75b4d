#pragma once
// fmpipe's command groups. Each adds its subcommands to the app; their callbacks throw on error
// and main() turns the exception into one line on stderr and a non-zero exit.

#include <CLI/CLI.hpp>

namespace fmpipe::cli {

void add_db_commands(CLI::App& app);
void add_sql_command(CLI::App& app);
void add_init_command(CLI::App& app);

}  // namespace fmpipe::cli
