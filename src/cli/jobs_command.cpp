// fmpipe jobs list|reset|ignore: inspect and steer the job queues.

#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "dj/jobs.hpp"
#include "dj/populate.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/table_names.hpp"

namespace fmpipe::cli {
namespace {

struct JobsOptions {
  std::string table;
  std::string status;
  std::string key;
  bool stacks = false;
};

dj::Row key_from_json(const std::string& text) {
  const auto json = nlohmann::json::parse(text);
  if (!json.is_object())
    throw std::invalid_argument("--key must be a JSON object, e.g. '{\"subject\": \"m1\"}'");
  dj::Row key;
  for (const auto& [name, value] : json.items()) {
    if (value.is_string()) {
      key.set(name, value.get<std::string>());
    } else if (value.is_number_integer()) {
      key.set(name, value.get<long long>());
    } else if (value.is_number()) {
      key.set(name, value.get<double>());
    } else {
      throw std::invalid_argument("--key: attribute '" + name + "' must be a string or a number");
    }
  }
  return key;
}

/// `key` as a whole key of the table's key source: a key populate would make. An ignore row
/// for any other would sit in the job table and skip nothing.
dj::Row existing_key(const dj::AutoPopulate& table, const std::string& name, const dj::Row& key) {
  const auto names = table.target().heading().primary_key();
  std::string missing;
  for (const auto& attribute : names)
    if (!key.has(attribute)) missing += (missing.empty() ? "" : ", ") + attribute;
  if (!missing.empty())
    throw std::invalid_argument("--key " + key.to_display() + " is not a whole key of " + name +
                                ": it lacks " + missing);
  const dj::Row whole = key.project(names);
  if (!(table.key_source() & whole).exists())
    throw std::invalid_argument("--key " + whole.to_display() + ": " + name +
                                " has no such key to compute (its key source does not hold it)");
  return whole;
}

/// The selected tables (one, or every auto-populated table).
std::vector<std::string> selected(const pipeline::Pipeline& pipe, const std::string& table) {
  if (!table.empty()) return {pipeline::resolve_computed_table_name(pipe, table)};
  return auto_populated_tables(pipe);
}

}  // namespace

void add_jobs_command(CLI::App& app) {
  auto options = std::make_shared<JobsOptions>();
  auto* jobs =
      app.add_subcommand("jobs", "Inspect the job queues: list errors, reset them, ignore keys");
  jobs->require_subcommand(1);
  const auto add_table = [options](CLI::App* command) {
    command->add_option("--table", options->table,
                        "A computed table: Class or schema.Class, e.g. FacialSignal");
    return command;
  };

  auto* list = add_table(jobs->add_subcommand("list", "List jobs (errors with their messages)"));
  list->add_option("--status", options->status,
                   "pending, reserved, error, ignore, or success (keys made with warnings, "
                   "which are kept with them) (default: error)");
  list->add_flag("--stack", options->stacks, "Print each error's stack too");
  list->callback([options] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    const std::string wanted = options->status.empty() ? "error" : options->status;
    for (const auto& name : selected(pipe, options->table)) {
      dj::JobTable queue(pipe.table(name));
      for (const auto& job : queue.list()) {
        if (dj::to_string(job.status) != wanted) continue;
        std::cout << name << "\t" << job.key.to_display() << "\t" << dj::to_string(job.status)
                  << "\t" << job.host << ":" << job.pid << "\t" << job.error_message << "\n";
        if (options->stacks && !job.error_stack.empty()) std::cout << job.error_stack << "\n";
      }
    }
  });

  add_table(jobs->add_subcommand("reset", "Return failed keys to pending"))->callback([options] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    for (const auto& name : selected(pipe, options->table)) {
      const long long n = dj::JobTable(pipe.table(name)).reset_errors();
      std::cout << name << ": " << n << " error(s) reset\n";
    }
  });

  auto* ignore = add_table(jobs->add_subcommand("ignore", "Mark a key to be skipped by populate"));
  ignore->add_option("--key", options->key, "The key as JSON, e.g. '{\"subject\": \"m1\", ...}'")
      ->required();
  ignore->callback([options] {
    if (options->table.empty()) throw std::invalid_argument("jobs ignore needs --table");
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    dj::AutoPopulate table(pipe.table(pipeline::resolve_computed_table_name(pipe, options->table)));
    table.jobs().ignore({existing_key(table, options->table, key_from_json(options->key))});
  });
}

}  // namespace fmpipe::cli
