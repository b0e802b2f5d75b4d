// fmpipe: the command-line face of facemap-pipeline.

#include <unistd.h>

#include <cstdio>
#include <exception>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "facemap/version.hpp"

int main(int argc, char** argv) {
  // Line-buffered stdout keeps summaries in order with the log lines on stderr.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  CLI::App app{"fmpipe: Facemap analyses as a relational pipeline on PostgreSQL"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "fmpipe " + facemap::version());
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Log debug messages");
  app.parse_complete_callback([&] {
    // Logs go to stderr so that command output on stdout stays machine-readable.
    spdlog::set_default_logger(spdlog::stderr_color_mt("fmpipe"));
    spdlog::set_pattern("%^%l%$: %v");
    spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  });
  fmpipe::cli::add_db_commands(app);
  fmpipe::cli::add_sql_command(app);
  fmpipe::cli::add_init_command(app);
  fmpipe::cli::add_diagram_command(app);
  fmpipe::cli::add_status_command(app);
  fmpipe::cli::add_jobs_command(app);
  fmpipe::cli::add_populate_commands(app);
  fmpipe::cli::add_ingest_commands(app);
  fmpipe::cli::add_device_command(app);
  fmpipe::cli::add_export_command(app);
  fmpipe::cli::add_report_command(app);
  fmpipe::cli::add_demo_command(app);
  fmpipe::cli::add_delete_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fmpipe: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
