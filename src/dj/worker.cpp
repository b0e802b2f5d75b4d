// run_worker(): populate() through the job queues until nothing is left, surviving lost
// connections.

#include <unistd.h>

#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "dj/populate.hpp"

namespace dj {
namespace {

/// The distinct sessions that `tables` use.
std::vector<Connection*> sessions_of(const std::vector<AutoPopulate*>& tables) {
  std::vector<Connection*> sessions;
  for (auto* table : tables) {
    Connection* session = &table->target().connection();
    if (std::find(sessions.begin(), sessions.end(), session) == sessions.end())
      sessions.push_back(session);
  }
  return sessions;
}

/// Settings of a worker's session; set again on every new session, since they die with it.
void configure_session(Connection& session, const WorkerOptions& options) {
  session.run([&](pqxx::transaction_base& tx) {
    // Effective for TCP connections (the server then notices a vanished peer); harmless on
    // Unix sockets. Session-level settings: they outlive this transaction.
    tx.exec("SET tcp_keepalives_idle = " + std::to_string(options.keepalive_idle_seconds));
    tx.exec("SET tcp_keepalives_interval = " + std::to_string(options.keepalive_interval_seconds));
    tx.exec("SET tcp_keepalives_count = 3");
  });
}

/// What one pass over the tables found.
struct Pass {
  bool made_any = false;
  bool work_left = false;  ///< keys neither done nor failed nor ignored remain
  bool stopped = false;
};

/// One pass of populate() over the tables, adding to `totals` (one per table) as keys are made,
/// so that what a pass did before a lost connection interrupted it is still counted.
Pass work_pass(const std::vector<AutoPopulate*>& tables, const PopulateOptions& options,
               std::vector<PopulateResult>& totals) {
  Pass pass;
  for (size_t t = 0; t < tables.size(); ++t) {
    const long long made_before = totals[t].made;
    tables[t]->populate(options, totals[t]);
    pass.made_any = pass.made_any || totals[t].made > made_before;
    if (totals[t].stopped) {
      pass.stopped = true;
      return pass;
    }
    // Keys reserved by other workers count as left: they come back if those workers die.
    pass.work_left = pass.work_left ||
                     (tables[t]->pending_keys() -
                      tables[t]->jobs().keys_with_status({JobStatus::error, JobStatus::ignore}))
                         .exists();
  }
  return pass;
}

enum class Recovery { not_lost, reconnected, stopped };

/// After `error`: reopens the sessions it left closed. not_lost when none is closed (the error
/// is not a lost connection); stopped when a stop came while waiting to reconnect.
Recovery recover_sessions(const std::vector<Connection*>& sessions, const std::exception& error,
                          const WorkerOptions& options, const std::function<bool()>& keep_trying) {
  Recovery recovery = Recovery::not_lost;
  for (auto* session : sessions) {
    if (session->is_open()) continue;
    spdlog::warn(
        "worker {}: lost the connection to {} ({}); the key in hand, if any, was rolled "
        "back and returns to pending",
        getpid(), session->target(), error.what());
    if (!session->reconnect(options.reconnect, keep_trying)) return Recovery::stopped;
    configure_session(*session, options);
    recovery = Recovery::reconnected;
  }
  return recovery;
}

}  // namespace

WorkerResult run_worker(const std::vector<AutoPopulate*>& tables, const WorkerOptions& options) {
  install_stop_handlers();
  WorkerResult result;
  const auto started = std::chrono::steady_clock::now();
  const auto should_stop = [&] {
    if (stop_requested()) return true;
    if (!options.stop_file.empty() && std::filesystem::exists(options.stop_file)) return true;
    return options.time_limit && std::chrono::steady_clock::now() - started > *options.time_limit;
  };
  const std::vector<Connection*> sessions = sessions_of(tables);
  for (auto* session : sessions) configure_session(*session, options);
  PopulateOptions populate_options;
  populate_options.reserve_jobs = true;
  populate_options.suppress_errors = true;
  populate_options.display_progress = options.display_progress;
  std::vector<PopulateResult> totals(tables.size());
  for (;;) {
    if (should_stop()) {
      result.stopped = true;
      break;
    }
    try {
      const Pass pass = work_pass(tables, populate_options, totals);
      if (pass.stopped) {
        result.stopped = true;
        break;
      }
      if (!pass.work_left) break;
      if (!pass.made_any) std::this_thread::sleep_for(options.poll_interval);
    } catch (const std::exception& error) {
      const Recovery recovery =
          recover_sessions(sessions, error, options, [&] { return !should_stop(); });
      if (recovery == Recovery::not_lost) throw;
      if (recovery == Recovery::stopped) {
        result.stopped = true;
        break;
      }
      ++result.reconnections;
    }
  }
  for (const auto& total : totals) {
    result.made += total.made;
    result.errors += static_cast<long long>(total.errors.size());
  }
  return result;
}

}  // namespace dj
