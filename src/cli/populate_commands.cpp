// fmpipe populate / worker: compute the pipeline's tables, alone or as one of many workers.

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <regex>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "dj/populate.hpp"
#include "pipeline/computations.hpp"

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

/// The computations named (by "<schema>.<Class>" or just "<Class>"), or all of them.
std::vector<dj::AutoPopulate*> select(Computations& all, const std::vector<std::string>& names) {
  std::vector<dj::AutoPopulate*> chosen;
  for (auto& [full_name, table] : all) {
    const std::string short_name = full_name.substr(full_name.find('.') + 1);
    bool wanted = names.empty();
    for (const auto& name : names) wanted = wanted || name == full_name || name == short_name;
    if (wanted) chosen.push_back(table.get());
  }
  for (const auto& name : names) {
    bool known = false;
    for (auto& [full_name, table] : all) {
      known = known || name == full_name || name == full_name.substr(full_name.find('.') + 1);
    }
    if (!known) throw std::invalid_argument("'" + name + "' is not a table that populate computes");
  }
  return chosen;
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

/// One worker: its own connection and computations, run_worker() until nothing is left.
dj::WorkerResult run_one_worker(const PopulateArgs& args) {
  auto connection = dj::Connection::open_default();
  pipeline::Pipeline pipe(*connection);
  auto all = pipeline::computations(pipe, pipeline::DataRoots::from_environment());
  dj::WorkerOptions options;
  if (!args.time_limit.empty()) options.time_limit = parse_duration(args.time_limit);
  options.stop_file = args.stop_file;
  options.display_progress = true;
  return dj::run_worker(select(all, args.tables), options);
}

/// The error that makes fmpipe exit non-zero when keys failed, so that a batch system (Slurm,
/// Kubernetes) sees the failure; the failed keys are in the job tables.
std::runtime_error failed_keys(long long count) {
  return std::runtime_error(std::to_string(count) + " key(s) failed; see `fmpipe jobs list`");
}

/// Forks `count` worker processes and waits for them; returns how many failed (a worker with a
/// failed key is one).
int run_worker_processes(const PopulateArgs& args, int count) {
  std::vector<pid_t> children;
  for (int w = 0; w < count; ++w) {
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("cannot start worker process");
    if (pid == 0) {
      int code = 0;
      try {
        const auto result = run_one_worker(args);
        spdlog::info("worker {}: {} made, {} errors, {} reconnection(s)", getpid(), result.made,
                     result.errors, result.reconnections);
        if (result.errors > 0) code = 1;
      } catch (const std::exception& e) {
        spdlog::error("worker {}: {}", getpid(), e.what());
        code = 1;
      }
      _exit(code);
    }
    children.push_back(pid);
  }
  // Pass SIGTERM/SIGINT on: each worker returns its key to pending and exits.
  dj::install_stop_handlers();
  int failed = 0;
  for (pid_t pid : children) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
      if (dj::stop_requested()) {
        for (pid_t child : children) kill(child, SIGTERM);
      }
    }
    failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  return failed;
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
    if (args->workers > 1) {
      const int failed = run_worker_processes(*args, args->workers);
      if (failed) throw std::runtime_error(std::to_string(failed) + " worker process(es) failed");
      return;
    }
    auto connection = dj::Connection::open_default();
    pipeline::Pipeline pipe(*connection);
    auto all = pipeline::computations(pipe, pipeline::DataRoots::from_environment());
    dj::install_stop_handlers();
    dj::PopulateOptions options;
    for (const auto& r : args->restrictions) options.restrictions.emplace_back(r);
    if (args->max_calls > 0) options.max_calls = args->max_calls;
    options.order = args->order == "reverse"  ? dj::PopulateOrder::reverse
                    : args->order == "random" ? dj::PopulateOrder::random
                                              : dj::PopulateOrder::original;
    options.suppress_errors = args->suppress_errors;
    options.reserve_jobs = args->reserve;
    options.display_progress = true;
    long long errors = 0;
    for (auto* table : select(all, args->tables)) {
      const auto result = table->populate(options);
      std::cout << table->target().class_name() << ": " << result.made << " made";
      if (!result.errors.empty())
        std::cout << ", " << result.errors.size() << " errors (fmpipe jobs list)";
      std::cout << "\n";
      errors += static_cast<long long>(result.errors.size());
      if (result.stopped)
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
