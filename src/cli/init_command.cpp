// fmpipe init: declare the pipeline's schemas, linked under a lab's tables when named, and
// install the SQL helpers (or write their SQL to sql/ and sql/helpers/).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <spdlog/spdlog.h>
#include <pqxx/pqxx>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/migrations.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/sql_helpers.hpp"

namespace fmpipe::cli {
namespace {

void write_sql(dj::Connection& connection, const std::string& folder,
               const std::string& shown_prefix) {
  // Declare into scratch schemas so that every table is generated afresh, then drop them.
  const std::string scratch = "fmpipe_ddl_" + std::to_string(getpid()) + "_";
  std::map<std::string, std::string> scripts;
  try {
    pipeline::Pipeline scratch_pipeline(connection, scratch, pipeline::Upstream{});
    scripts = scratch_pipeline.ddl_scripts(shown_prefix);
  } catch (...) {
    pqxx::nontransaction work(connection.native());
    for (const auto& spec : pipeline::builtin_schemas())
      work.exec("DROP SCHEMA IF EXISTS \"" + scratch + spec.name + "\" CASCADE");
    throw;
  }
  pqxx::nontransaction work(connection.native());
  for (auto it = pipeline::builtin_schemas().rbegin(); it != pipeline::builtin_schemas().rend();
       ++it) {
    work.exec("DROP SCHEMA IF EXISTS \"" + scratch + it->name + "\" CASCADE");
  }
  std::filesystem::create_directories(folder + "/helpers");
  for (const auto& [name, script] : pipeline::sql_helper_scripts(shown_prefix))
    scripts["helpers/" + name] = script;
  for (const auto& [name, script] : scripts) {
    const std::string path = folder + "/" + name + ".sql";
    std::ofstream out(path);
    if (!(out << script)) throw std::runtime_error("cannot write " + path);
    std::cout << "wrote " << path << "\n";
  }
}

}  // namespace

void add_init_command(CLI::App& app) {
  struct Options {
    std::string prefix = pipeline::Pipeline::default_prefix();
    std::string sql_folder;
    pipeline::Upstream upstream;
  };
  auto options = std::make_shared<Options>();
  auto* init =
      app.add_subcommand("init", "Declare the pipeline's schemas and tables (missing ones only)");
  init->add_option("--prefix", options->prefix, "Schema name prefix")->capture_default_str();
  init->add_option("--write-sql", options->sql_folder,
                   "Write the generated DDL, one file per schema, into this folder instead, and "
                   "the SQL helpers into its helpers/ subfolder");
  init->add_option("--session-table", options->upstream.session,
                   "Link under the lab's Session, <schema>.<Class> (default: the configuration "
                   "file's upstream, else the pipeline's own session schema)");
  init->add_option("--device-table", options->upstream.device,
                   "The lab's Device table, <schema>.<Class> (with --session-table)")
      ->needs("--session-table");
  init->add_option("--subject-table", options->upstream.subject,
                   "The lab's Subject table, <schema>.<Class> (with --session-table)")
      ->needs("--session-table");
  init->callback([options] {
    auto connection = pipeline::open_database();
    if (!options->sql_folder.empty()) {
      write_sql(*connection, options->sql_folder, options->prefix);
      return;
    }
    const pipeline::Upstream upstream =
        options->upstream.linked() ? options->upstream : pipeline::Upstream::configured();
    pipeline::Pipeline pipe(*connection, options->prefix, upstream);
    if (pipe.linked()) std::cout << "linked under " << pipe.upstream().display() << "\n";
    for (const auto& name : pipe.table_names()) std::cout << name << "\n";
    const auto widened = pipeline::migrate_column_widths(pipe);
    if (!widened.empty())
      std::cout << "widened " << widened.size() << " column(s) to today's definitions\n";
    const auto migrated = pipeline::migrate_stored_rows(pipe);
    if (migrated.facemap_tasks > 0)
      std::cout << "migrated the facemap_params of " << migrated.facemap_tasks
                << " FacemapTask row(s) to Facemap's form\n";
    if (migrated.inference_tasks)
      std::cout << "migrated " << *migrated.inference_tasks
                << " FacemapInferenceTask row(s) to inference task 0 (tasks have ids now)\n";
    // The helpers are a convenience: a database where they cannot be created keeps its tables.
    try {
      pipeline::install_sql_helpers(pipe);
      std::cout << pipe.prefix() << "views (SQL helpers)\n";
    } catch (const std::exception& e) {
      spdlog::warn("SQL helpers ({}views) not installed: {}", pipe.prefix(), e.what());
    }
  });
}

}  // namespace fmpipe::cli
