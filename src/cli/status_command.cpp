// fmpipe status: per auto-populated table, how many keys are done, to do, reserved, failed; who
// holds the reserved ones; refreshed with --watch.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <thread>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "dj/populate.hpp"
#include "dj/progress.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/pipeline.hpp"

namespace fmpipe::cli {
namespace {

/// One status display. Stale reservations (their worker is gone) are returned to pending first,
/// so that the counts and the list of reserved keys show only live work.
void print_status(const pipeline::Pipeline& pipe) {
  std::printf("%-48s %8s %8s %8s %8s %8s %8s %8s\n", "table", "total", "done", "to do", "reserved",
              "errors", "ignored", "warned");
  std::vector<std::pair<std::string, dj::JobInfo>> reserved;
  for (const auto& name : auto_populated_tables(pipe)) {
    dj::AutoPopulate table(pipe.table(name));
    // A role that may only read still sees the status, with the stale rows left as they are.
    try {
      table.jobs().recover_orphans();
    } catch (const std::exception& e) {
      spdlog::warn("{}: stale reservations are not returned to pending: {}", name, e.what());
    }
    const auto p = table.progress();
    std::printf("%-48s %8lld %8lld %8lld %8lld %8lld %8lld %8lld\n", name.c_str(), p.total, p.done,
                p.to_do, p.reserved, p.errors, p.ignored, p.warned);
    for (auto& job : table.jobs().list(dj::JobStatus::reserved))
      reserved.emplace_back(name, std::move(job));
  }
  for (const auto& [name, job] : reserved) {
    std::printf("reserved: %s %s by %s:%d for %s\n", name.c_str(), job.key.to_display().c_str(),
                job.host.c_str(), job.pid,
                dj::Progress::format_duration(job.reserved_seconds).c_str());
  }
}

}  // namespace

std::vector<std::string> auto_populated_tables(const pipeline::Pipeline& pipe) {
  std::vector<std::string> names;
  for (const auto& name : pipe.table_names()) {
    const auto tier = pipe.table(name).tier();
    if (tier == dj::Tier::imported || tier == dj::Tier::computed) names.push_back(name);
  }
  return names;
}

void add_status_command(CLI::App& app) {
  auto watch = std::make_shared<std::vector<double>>();
  auto* status = app.add_subcommand(
      "status",
      "Show per table: keys done, to do, reserved (and by whom), errors, done with warnings");
  status
      ->add_option("--watch", *watch,
                   "Show it again every SECONDS (default 2) until interrupted; on a terminal the "
                   "screen is cleared first")
      ->expected(0, 1)
      ->type_name("[SECONDS]");
  status->callback([watch, status] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    if (!status->count("--watch")) {
      print_status(pipe);
      return;
    }
    const double seconds = watch->empty() ? 2.0 : watch->front();
    if (!(seconds > 0))
      throw std::invalid_argument("--watch: the interval must be above 0 seconds, not " +
                                  std::to_string(seconds));
    const bool terminal = isatty(STDOUT_FILENO) != 0;
    for (;;) {
      if (terminal) std::printf("\033[H\033[2J");
      print_status(pipe);
      std::printf("\n");
      std::fflush(stdout);
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    }
  });
}

}  // namespace fmpipe::cli
