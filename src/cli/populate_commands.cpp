// fmpipe populate / worker: compute the pipeline's tables, alone or as one of many workers.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "dj/populate.hpp"
#include "pipeline/computations.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/table_names.hpp"
#include "worker_processes.hpp"

namespace fmpipe::cli {
namespace {

/// "90s", "30m", "6h", "11h50m" -> seconds.
std::chrono::seconds parse_duration(const std::string& text) {
  static const std::regex pattern(R"(^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$)");
  std::smatch m;
  if (text.empty() || !std::regex_match(text, m, pattern)) {
    throw std::invalid_argument("duration '" + text + "': write it like 90s, 30m, 6h or 11h50m");
  }
  const auto part = [&](int i) { return m[i].matched ? std::stol(m[i].str()) : 0L; };
  return std::chrono::seconds(part(1) * 3600 + part(2) * 60 + part(3));
}

using Computations = std::vector<std::pair<std::string, std::unique_ptr<dj::AutoPopulate>>>;

/// The computations named (in any form resolve_computed_table_name() takes), or all of them,
/// with their "<schema>.<Class>" names.
std::vector<std::pair<std::string, dj::AutoPopulate*>> select(
    const pipeline::Pipeline& pipe, Computations& all, const std::vector<std::string>& names) {
  std::vector<std::string> wanted;
  for (const auto& name : names)
    wanted.push_back(pipeline::resolve_computed_table_name(pipe, name));
  std::vector<std::pair<std::string, dj::AutoPopulate*>> chosen;
  for (auto& [full_name, table] : all) {
    if (wanted.empty() || std::find(wanted.begin(), wanted.end(), full_name) != wanted.end())
      chosen.emplace_back(full_name, table.get());
  }
  return chosen;
}

/// The tables alone, for run_worker().
std::vector<dj::AutoPopulate*> tables_of(
    const std::vector<std::pair<std::string, dj::AutoPopulate*>>& chosen) {
  std::vector<dj::AutoPopulate*> tables;
  for (const auto& entry : chosen) tables.push_back(entry.second);
  return tables;
}

struct PopulateArgs {
  std::vector<std::string> tables;
  std::vector<std::string> restrictions;
  bool reserve = false;
  int workers = 1;
  long long max_calls = 0;
  std::string order = "original";
  bool suppress_errors = false;
  std::string time_limit;
  std::string stop_file;
};

/// What `fmpipe populate` asks of each table's populate().
dj::PopulateOptions populate_options(const PopulateArgs& args) {
  dj::PopulateOptions options;
  for (const auto& r : args.restrictions) options.restrictions.emplace_back(r);
  if (args.max_calls > 0) options.max_calls = args.max_calls;
  options.order = args.order == "reverse"  ? dj::PopulateOrder::reverse
                  : args.order == "random" ? dj::PopulateOrder::random
                                           : dj::PopulateOrder::original;
  options.suppress_errors = args.suppress_errors;
  options.reserve_jobs = args.reserve;
  options.display_progress = true;
  return options;
}

/// A process's own session and computations: a forked worker never uses its parent's.
struct OwnPipeline {
  OwnPipeline()
      : connection(pipeline::open_database()),
        pipe(*connection),
        all(pipeline::computations(pipe, pipeline::DataRoots::from_environment())) {}
  std::unique_ptr<dj::Connection> connection;
  pipeline::Pipeline pipe;
  Computations all;
};

/// One worker: its own connection and computations, run_worker() until nothing is left.
dj::WorkerResult run_one_worker(const PopulateArgs& args) {
  OwnPipeline own;
  dj::WorkerOptions options;
  if (!args.time_limit.empty()) options.time_limit = parse_duration(args.time_limit);
  options.stop_file = args.stop_file;
  options.display_progress = true;
  return dj::run_worker(tables_of(select(own.pipe, own.all, args.tables)), options);
}

/// The error that makes fmpipe exit non-zero when keys failed, so that a batch system (Slurm,
/// Kubernetes) sees the failure; the failed keys are in the job tables.
std::runtime_error failed_keys(long long count) {
  return std::runtime_error(std::to_string(count) + " key(s) failed; see `fmpipe jobs list`");
}

/// What populate did to one table, in this process or summed over worker processes.
struct TableTotals {
  long long made = 0;
  long long errors = 0;
  bool stopped = false;
};

TableTotals totals_of(const dj::PopulateResult& result) {
  return {result.made, static_cast<long long>(result.errors.size()), result.stopped};
}

/// populate(options) of table `name` with its keys shared among `workers` forked processes:
/// the keys are chosen here as one populate would choose them (restrictions, order, max_calls,
/// the job queue with reserve), and each process makes every workers-th of them. A process's
/// error that populate would have thrown is thrown here, after all processes ended.
TableTotals populate_in_processes(const std::string& name, dj::AutoPopulate& table,
                                  const dj::PopulateOptions& options, int workers) {
  const std::vector<dj::Row> keys = table.keys_to_make(options);
  const int count = static_cast<int>(std::min<size_t>(static_cast<size_t>(workers), keys.size()));
  std::vector<std::vector<dj::Row>> shares(static_cast<size_t>(count));
  for (size_t k = 0; k < keys.size(); ++k) shares[k % shares.size()].push_back(keys[k]);
  const auto reports = run_in_processes(count, [&](int index) {
    OwnPipeline own;
    dj::PopulateOptions mine = options;
    mine.restrictions = {dj::Restriction::any_of(shares[static_cast<size_t>(index)])};
    mine.max_calls.reset();  // the share is already within it
    dj::install_stop_handlers();
    const auto totals = totals_of(select(own.pipe, own.all, {name}).front().second->populate(mine));
    return ProcessReport{0, std::to_string(totals.made) + " " + std::to_string(totals.errors) +
                                " " + std::to_string(totals.stopped)};
  });
  TableTotals sum;
  std::optional<std::string> failure;
  for (const auto& report : reports) {
    if (report.exit_code != 0) {
      if (!failure) failure = report.text;
      continue;
    }
    std::istringstream fields(report.text);
    TableTotals one;
    fields >> one.made >> one.errors >> one.stopped;
    sum.made += one.made;
    sum.errors += one.errors;
    sum.stopped = sum.stopped || one.stopped;
  }
  if (failure) throw std::runtime_error(*failure);
  return sum;
}

/// `fmpipe worker --workers N`: N processes of run_one_worker(); returns how many failed (a
/// worker with a failed key is one).
int run_worker_processes(const PopulateArgs& args, int count) {
  const auto reports = run_in_processes(count, [&](int) {
    const auto result = run_one_worker(args);
    spdlog::info("worker {}: {} made, {} errors, {} reconnection(s)", getpid(), result.made,
                 result.errors, result.reconnections);
    return ProcessReport{result.errors > 0 ? 1 : 0, ""};
  });
  return static_cast<int>(std::count_if(reports.begin(), reports.end(),
                                        [](const auto& report) { return report.exit_code != 0; }));
}

}  // namespace

void add_populate_commands(CLI::App& app) {
  auto args = std::make_shared<PopulateArgs>();
  auto* populate = app.add_subcommand("populate", "Compute missing keys of the pipeline's tables");
  populate->add_option("tables", args->tables,
                       "Tables to compute (default: all, in order), e.g. FacialSignal");
  populate->add_option("--restrict", args->restrictions,
                       "An SQL condition on the keys (repeatable)");
  populate->add_flag("--reserve", args->reserve, "Go through the job queue (for several workers)");
  populate->add_option("--workers", args->workers, "Run this many worker processes")
      ->check(CLI::Range(1, 256));
  populate->add_option("--max-calls", args->max_calls, "At most this many keys per table");
  populate->add_option("--order", args->order, "original, reverse or random")
      ->check(CLI::IsMember({"original", "reverse", "random"}));
  populate->add_flag("--suppress-errors", args->suppress_errors,
                     "Record errors and go on with other keys");
  populate->callback([args] {
    OwnPipeline own;
    const dj::PopulateOptions options = populate_options(*args);
    dj::install_stop_handlers();
    long long errors = 0;
    for (const auto& [name, table] : select(own.pipe, own.all, args->tables)) {
      const TableTotals totals = args->workers > 1
                                     ? populate_in_processes(name, *table, options, args->workers)
                                     : totals_of(table->populate(options));
      std::cout << table->target().class_name() << ": " << totals.made << " made";
      if (totals.errors) std::cout << ", " << totals.errors << " errors (fmpipe jobs list)";
      std::cout << "\n";
      errors += totals.errors;
      if (totals.stopped)
        throw std::runtime_error("stopped by a signal; the key in hand went back to pending");
    }
    if (errors) throw failed_keys(errors);
  });

  auto* worker =
      app.add_subcommand("worker", "Work on the job queues until nothing is left (many may run)");
  worker->add_option("tables", args->tables, "Tables to work on (default: all)");
  worker->add_option("--time-limit", args->time_limit, "Stop after this long, e.g. 11h50m");
  worker->add_option("--stop-file", args->stop_file, "Stop when this file appears");
  worker->add_option("--workers", args->workers, "Run this many worker processes")
      ->check(CLI::Range(1, 256));
  worker->callback([args] {
    if (args->workers > 1) {
      const int failed = run_worker_processes(*args, args->workers);
      if (failed) {
        throw std::runtime_error(std::to_string(failed) +
                                 " worker process(es) failed or had failed keys; see the log and "
                                 "`fmpipe jobs list`");
      }
      return;
    }
    const auto result = run_one_worker(*args);
    std::cout << "worker: " << result.made << " made, " << result.errors << " errors, "
              << result.reconnections << " reconnection(s)" << (result.stopped ? " (stopped)" : "")
              << "\n";
    if (result.errors > 0) throw failed_keys(result.errors);
  });
}

}  // namespace fmpipe::cli
