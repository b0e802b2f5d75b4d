#pragma once
// The job queue of one auto-populated table, laid out as datajoint-python 2.x lays out its
// `~~<table>` job tables (so Python workers can share it), with one addition that needs no
// column: a reservation is tied to the reserving worker's live database session by a
// session-level advisory lock on the key. When a worker dies, PostgreSQL ends its session and
// releases the lock (at once when the connection closes; within the TCP keepalive time the
// worker asked for when its machine vanishes), and the next worker takes the key over.

#include <optional>
#include <string>
#include <vector>

#include "dj/connection.hpp"
#include "dj/table.hpp"

namespace dj {

/// A job's state, as DataJoint spells it.
enum class JobStatus { pending, reserved, success, error, ignore };
std::string to_string(JobStatus status);

/// One row of a job table, for inspection.
struct JobInfo {
  Row key;
  JobStatus status = JobStatus::pending;
  int priority = 5;
  std::string error_message;
  std::string error_stack;  ///< unpacked from its blob
  std::string host;
  int pid = 0;
  long long connection_id = 0;
  std::string reserved_time, completed_time;
  double reserved_seconds = 0;  ///< since reserved_time, by the server's clock (0 when unset)
};

/// Counts per table: what is done, what is queued, what failed.
struct JobProgress {
  long long total = 0;  ///< keys in key_source
  long long done = 0;   ///< keys in the target table
  long long to_do = 0;  ///< keys of key_source not done and not reserved, failed or ignored
  long long pending = 0;
  long long reserved = 0;
  long long errors = 0;
  long long ignored = 0;
  long long warned = 0;  ///< done with warnings (kept as 'success' rows holding them)
};

/// The name of a target table's job table: "~~facial_signal" for "__facial_signal", as
/// datajoint-python names it.
std::string job_table_name(const std::string& target_table);

/// The job table of one target table; created on first use.
class JobTable {
 public:
  /// Opens (creating when missing) the job table of `target` (an Imported or Computed master).
  explicit JobTable(const Table& target);

  const std::string& name() const { return name_; }  ///< "~~facial_signal"
  const Table& target() const { return target_; }

  /// Adds `keys` as pending (existing rows stay), and returns orphaned reservations to pending
  /// (recover_orphans()). Returns the number of keys re-pended.
  long long refresh(const std::vector<Row>& keys, int priority = 5);
  /// Returns stale reservations to pending, logging each with its host and pid: those whose
  /// database session is gone (by the connection id recorded at reservation), or whose process
  /// is gone on this host, and whose key's session lock nobody holds (our workers hold it while
  /// they live, so a worker whose machine vanished keeps its key until the server notices).
  /// Returns how many.
  long long recover_orphans();
  /// Atomically reserves the next pending key for this connection (None when nothing is
  /// pending). The key stays locked to this session until complete(), fail() or release().
  std::optional<Row> reserve_next();
  /// Reserves one given key if it is pending; false when another worker has it.
  bool reserve(const Row& key);
  /// The key is done: its job row is deleted (DataJoint's default). Call it inside the
  /// transaction that inserted the results, so both commit together, then unlock(). A make
  /// that gave `warnings` keeps its row instead, as status 'success' (DataJoint's state for a
  /// kept completed job) with error_message "warning: ...; warning: ...", so that what was not
  /// honoured stays on record beside the result; refresh() re-pends such a row when its result
  /// is deleted.
  void complete(pqxx::transaction_base& tx, const Row& key,
                const std::vector<std::string>& warnings = {});
  /// Releases the key's session lock after the transaction that completed it has ended.
  void unlock(const Row& key);
  /// Records an error (message cut to 2047 characters, stack as a blob) and releases the key.
  void fail(const Row& key, const std::string& message, const std::string& stack);
  /// Returns a reserved key to pending (for a worker that is told to stop).
  void release(const Row& key);
  /// Marks keys to be skipped by populate.
  void ignore(const std::vector<Row>& keys);
  /// Error rows back to pending; returns how many.
  long long reset_errors(const std::vector<Restriction>& restrictions = {});
  /// Rows in a state (all states when empty), errors with their messages and stacks.
  std::vector<JobInfo> list(std::optional<JobStatus> status = std::nullopt) const;
  /// Counts per state.
  JobProgress progress() const;
  /// Keys whose job is in one of `statuses`.
  Query keys_with_status(const std::vector<JobStatus>& statuses) const;
  /// Keys that must not be computed now: reserved, error or ignore.
  Query blocked_keys() const {
    return keys_with_status({JobStatus::reserved, JobStatus::error, JobStatus::ignore});
  }

 private:
  SqlFragment key_condition(const Row& key) const;
  /// The upsert of a finished job: `status` with its message and (optional) stack.
  SqlFragment finished_row(const Row& key, const std::string& status, const std::string& message,
                           const std::optional<std::string>& stack) const;
  /// Reserves the first key of `candidates` (a SELECT of key columns) whose lock is free.
  std::optional<Row> reserve_first(const SqlFragment& candidates);

  Table target_;
  std::string schema_, name_;
  std::vector<std::string> key_;
  std::string key_columns_;  ///< the key's quoted column names, comma-separated
};

}  // namespace dj
