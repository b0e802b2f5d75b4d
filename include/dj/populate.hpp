#pragma once
// populate(): computing Imported and Computed tables key by key.
//
// A table's computation derives from AutoPopulate and overrides make() (fetch, compute and
// insert in one transaction), or derives from dj::Computation (dj/computation.hpp), whose typed
// three phases fetch the inputs, compute outside any transaction, and insert the results in a
// short transaction after the inputs are fetched again and found unchanged. Either way, the
// master row and all its parts commit together or not at all.
//
// With reserve_jobs, keys go through the table's job queue (dj/jobs.hpp), so many workers on
// many machines share the work and a dead worker's key is taken over by the next one.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "dj/jobs.hpp"
#include "dj/table.hpp"

namespace dj {

/// Where make() puts its results: the target table and its parts, inside make's transaction.
class MakeInserter {
 public:
  explicit MakeInserter(const Table& target);
  void insert1(const Table& table, const Row& row);
  void insert(const Table& table, const std::vector<Row>& rows);

 private:
  void check(const Table& table) const;
  const Table& target_;
};

/// Thrown by check_stop() when the process was asked to stop (SIGTERM, SIGINT, a stop file).
class StopRequested : public std::runtime_error {
 public:
  StopRequested() : std::runtime_error("stop requested") {}
};

/// Installs SIGTERM and SIGINT handlers that ask populate() and workers to stop at the next
/// safe point (the key in hand is rolled back and returned to pending).
void install_stop_handlers();
/// Whether a stop was requested.
bool stop_requested();
/// Asks for a stop (as the signal handlers do).
void request_stop();
/// Throws StopRequested when a stop was requested: long computations call it now and then.
void check_stop();

/// Records a warning about the key whose make() runs on this thread: something given was not
/// honoured, or the result deserves a look. It is logged at once and, when the make commits,
/// kept with the key's job (JobTable::complete) and in PopulateResult::warnings. Outside a make
/// it is only logged.
void warn_in_make(const std::string& message);

/// Order in which populate() takes keys.
enum class PopulateOrder { original, reverse, random };

/// Options of populate().
struct PopulateOptions {
  std::vector<Restriction> restrictions;  ///< only keys matching all of them
  std::optional<long long> max_calls;     ///< at most this many make() calls
  PopulateOrder order = PopulateOrder::original;
  bool suppress_errors = false;   ///< record errors and go on with other keys
  bool reserve_jobs = false;      ///< go through the job queue (needed for several workers)
  bool display_progress = false;  ///< a bar on a terminal, log lines otherwise
};

/// What populate() did.
struct PopulateResult {
  long long made = 0;                               ///< keys computed and inserted
  long long skipped = 0;                            ///< taken by another worker, or done meanwhile
  std::vector<std::pair<Row, std::string>> errors;  ///< key and message, when suppressed
  std::vector<std::pair<Row, std::string>> warnings;  ///< key and warning, of keys made
  bool stopped = false;                               ///< a stop was requested
};

/// The computation of one Imported or Computed table.
class AutoPopulate {
 public:
  explicit AutoPopulate(Table target);
  virtual ~AutoPopulate() = default;

  const Table& target() const { return target_; }
  /// The keys to compute: the join of the primary parents' keys. Override to narrow it.
  virtual Query key_source() const;

  /// One-phase make: reads inputs, computes, and inserts through `out`, in one transaction.
  virtual void make(const Row& key, MakeInserter& out);

  /// Computes the missing keys. Without suppress_errors the first error is rethrown (after
  /// being recorded in the job table when reserve_jobs is set).
  PopulateResult populate(const PopulateOptions& options = {});
  /// The same, adding to `result` key by key, so that what was done before an exception (a
  /// lost connection, for run_worker) is still counted.
  void populate(const PopulateOptions& options, PopulateResult& result);
  /// The keys populate(options) would make, in the order it would take them: pending keys
  /// matching the restrictions (less those blocked in the job queue with reserve_jobs, after
  /// its orphans are returned to pending), in options.order, at most options.max_calls of them.
  /// A caller that shares the work among processes splits this list.
  std::vector<Row> keys_to_make(const PopulateOptions& options);
  /// Keys of key_source (restricted) not yet in the target.
  Query pending_keys(const std::vector<Restriction>& restrictions = {}) const;
  /// The target's job queue.
  JobTable& jobs();
  /// Counts for status displays: total keys, done, to do, pending, reserved, errors, ignored.
  JobProgress progress();

 protected:
  /// One key's three-phase make, as populate() drives it; dj::Computation implements it with
  /// its typed phases.
  class PhasedMake {
   public:
    virtual ~PhasedMake() = default;
    /// make_fetch: reads the inputs.
    virtual void fetch() = 0;
    /// make_compute: computes from them, outside any transaction.
    virtual void compute() = 0;
    /// Reads the inputs again (in the insert transaction): whether they equal the first read.
    virtual bool inputs_unchanged() = 0;
    /// make_insert: inserts the results through `out`.
    virtual void insert(MakeInserter& out) = 0;
  };
  /// The three-phase make of `key`, or null to use the one-phase make().
  virtual std::unique_ptr<PhasedMake> phased_make(const Row& key);

 private:
  enum class Outcome { made, skipped, failed, stopped };
  Outcome make_one(const Row& key, bool reserved, const PopulateOptions& options,
                   PopulateResult& result);

  Table target_;
  std::optional<JobTable> jobs_;
};

/// Options of a worker.
struct WorkerOptions {
  std::optional<std::chrono::seconds> time_limit;  ///< stop after this long
  std::filesystem::path stop_file;                 ///< stop when this file appears
  std::chrono::milliseconds poll_interval{500};    ///< wait between looks while others work
  /// TCP keepalive for this worker's session: a machine that vanishes without closing its
  /// connection loses its reservations after about idle + 3 x interval seconds.
  int keepalive_idle_seconds = 30;
  int keepalive_interval_seconds = 10;
  /// How a lost connection (server restart, network fault) is reopened.
  ReconnectPolicy reconnect;
  bool display_progress = false;
};

/// What a worker did, per table in the order given.
struct WorkerResult {
  long long made = 0;
  long long errors = 0;
  bool stopped = false;   ///< by signal, stop file or time limit
  int reconnections = 0;  ///< lost connections reopened
};

/// Runs populate(reserve_jobs, suppress_errors) over `tables` until no key is left to compute
/// (keys reserved by live workers are waited for, since a worker that dies leaves its key to
/// this one), the time limit passes, the stop file appears, or SIGTERM/SIGINT arrives.
/// A lost connection is a transient fault: the make in hand was rolled back with its session
/// (no error is recorded), the worker reconnects with options.reconnect's backoff, and the key
/// returns to pending through the job queue's orphan recovery. Throws when reconnecting gives up.
WorkerResult run_worker(const std::vector<AutoPopulate*>& tables,
                        const WorkerOptions& options = {});

}  // namespace dj
