#pragma once
// fmpipe's command groups. Each adds its subcommands to the app; their callbacks throw on error
// and main() turns the exception into one line on stderr and a non-zero exit.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace pipeline {
class Pipeline;
}

namespace fmpipe::cli {

void add_db_commands(CLI::App& app);
void add_sql_command(CLI::App& app);
void add_init_command(CLI::App& app);
void add_diagram_command(CLI::App& app);
void add_status_command(CLI::App& app);
void add_jobs_command(CLI::App& app);
void add_populate_commands(CLI::App& app);
void add_ingest_commands(CLI::App& app);
void add_device_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_demo_command(CLI::App& app);
void add_delete_command(CLI::App& app);
/// `task show`, under the `task` command.
void add_task_show_command(CLI::App& task);

/// The pipeline's Imported and Computed tables as "<schema>.<Class>", parents first.
std::vector<std::string> auto_populated_tables(const pipeline::Pipeline& pipe);

}  // namespace fmpipe::cli
