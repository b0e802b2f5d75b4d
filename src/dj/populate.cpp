#include "dj/populate.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <memory>
#include <random>
#include <typeinfo>

#include <spdlog/spdlog.h>

#include "dj/dependencies.hpp"
#include "dj/progress.hpp"

namespace dj {
namespace {

std::atomic<bool> g_stop{false};

// The warnings of the make running on this thread (warn_in_make), or null outside a make.
thread_local std::vector<std::string>* t_make_warnings = nullptr;

// Collects the warnings of one make for as long as it lives.
class MakeWarnings {
 public:
  MakeWarnings() : outer_(t_make_warnings) { t_make_warnings = &warnings_; }
  ~MakeWarnings() { t_make_warnings = outer_; }
  MakeWarnings(const MakeWarnings&) = delete;
  MakeWarnings& operator=(const MakeWarnings&) = delete;
  const std::vector<std::string>& list() const { return warnings_; }

 private:
  std::vector<std::string> warnings_;
  std::vector<std::string>* outer_;
};

extern "C" void on_stop_signal(int) {
  g_stop.store(true);
}

std::string type_name_of(const std::exception& e) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? name.get() : typeid(e).name();
}

/// "<type>: <message>" of an exception and of every exception nested in it: C++ has no
/// traceback, so the chain of causes, with the phase and key, stands in for the stack.
void describe_chain(const std::exception& e, std::string& out, int depth = 0) {
  out += std::string(static_cast<size_t>(depth) * 2, ' ') + (depth ? "caused by " : "") +
         type_name_of(e) + ": " + e.what() + "\n";
  try {
    std::rethrow_if_nested(e);
  } catch (const std::exception& nested) {
    describe_chain(nested, out, depth + 1);
  } catch (...) {
  }
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}
bool stop_requested() {
  return g_stop.load();
}
void request_stop() {
  g_stop.store(true);
}
void check_stop() {
  if (stop_requested()) throw StopRequested();
}

void warn_in_make(const std::string& message) {
  spdlog::warn("{}", message);
  if (t_make_warnings) t_make_warnings->push_back(message);
}

MakeInserter::MakeInserter(const Table& target) : target_(target) {}

void MakeInserter::check(const Table& table) const {
  const bool is_target =
      table.schema_name() == target_.schema_name() && table.table_name() == target_.table_name();
  const bool is_part = table.schema_name() == target_.schema_name() &&
                       table.master_table_name() == target_.table_name();
  if (!is_target && !is_part) {
    throw std::logic_error("make() of " + target_.class_name() +
                           " may insert only into it and its parts, not " + table.class_name());
  }
}

void MakeInserter::insert1(const Table& table, const Row& row) {
  insert(table, {row});
}

void MakeInserter::insert(const Table& table, const std::vector<Row>& rows) {
  check(table);
  InsertOptions options;
  options.allow_direct_insert = true;
  table.insert(rows, options);
}

AutoPopulate::AutoPopulate(Table target) : target_(std::move(target)) {
  if (target_.tier() != Tier::imported && target_.tier() != Tier::computed) {
    throw std::invalid_argument("populate is for imported and computed tables; " +
                                target_.class_name() + " is " + tier_name(target_.tier()));
  }
}

Query AutoPopulate::key_source() const {
  Dependencies graph;
  target_.connection().read(
      [&](pqxx::transaction_base& tx) { graph = Dependencies::load(tx, {target_.schema_name()}); });
  std::optional<Query> source;
  for (const auto* edge : graph.parents_of({target_.schema_name(), target_.table_name()})) {
    if (!edge->primary) continue;
    std::map<std::string, std::string> renames;
    for (const auto& [child, parent] : edge->columns) {
      if (child != parent) renames[child] = parent;
    }
    Query parent =
        Table(target_.connection(), edge->parent.schema, edge->parent.table).proj({}, renames);
    source = source ? source->join(parent) : parent;
  }
  if (!source)
    throw std::logic_error(target_.class_name() + " has no primary parents to take keys from");
  return *source;
}

void AutoPopulate::make(const Row& key, MakeInserter&) {
  throw std::logic_error(target_.class_name() +
                         " defines neither make() nor the three make phases (key " +
                         key.to_display() + ")");
}
std::unique_ptr<AutoPopulate::PhasedMake> AutoPopulate::phased_make(const Row&) {
  return nullptr;
}

JobTable& AutoPopulate::jobs() {
  if (!jobs_) jobs_.emplace(target_);
  return *jobs_;
}

Query AutoPopulate::pending_keys(const std::vector<Restriction>& restrictions) const {
  Query keys = key_source();
  for (const auto& r : restrictions) keys = keys & r;
  return keys - target_.proj();
}

JobProgress AutoPopulate::progress() {
  JobProgress p = jobs().progress();
  p.total = key_source().count();
  // Counted, not derived from the other counts: job rows may outlive their keys (an errored
  // recording deleted), which a difference would subtract all the same.
  p.to_do = (pending_keys() - jobs().blocked_keys()).count();
  return p;
}

AutoPopulate::Outcome AutoPopulate::make_one(const Row& key, bool reserved,
                                             const PopulateOptions& options,
                                             PopulateResult& result) {
  const auto started = std::chrono::steady_clock::now();
  std::string phase = "make";
  MakeWarnings warnings;
  try {
    check_stop();
    const std::unique_ptr<PhasedMake> phased = phased_make(key);
    if (phased) {
      phase = "make_fetch";
      phased->fetch();
      phase = "make_compute";
      phased->compute();
      check_stop();
    }
    // Warnings are kept in the job table, which must exist before the insert transaction opens.
    if (!warnings.list().empty()) jobs();
    if (phased) phase = "make_fetch (check)";
    Connection::Transaction transaction(target_.connection());
    if ((target_ & key).exists()) {
      // Done meanwhile by someone else. Its job row may have been queued again after that
      // worker completed it (by a refresh that fetched the key while it was still pending):
      // complete it here too, or it would stay reserved, and then pending, for a done key.
      if (reserved) {
        jobs().complete(transaction.native(), key);
        transaction.commit();
        jobs().unlock(key);
      }
      return Outcome::skipped;
    }
    MakeInserter out(target_);
    if (phased) {
      if (!phased->inputs_unchanged()) {
        throw std::runtime_error("the inputs of " + key.to_display() +
                                 " changed while they were computed");
      }
      phase = "make_insert";
      phased->insert(out);
    } else {
      make(key, out);
    }
    check_stop();
    // Warnings raised inside a one-phase make() find no job table when none existed yet: those
    // are recorded right after the commit instead.
    const bool noted_inside = !warnings.list().empty() && jobs_.has_value();
    if (reserved || noted_inside)
      jobs().complete(transaction.native(), key,
                      noted_inside ? warnings.list() : std::vector<std::string>{});
    transaction.commit();
    if (reserved) jobs().unlock(key);
    if (!warnings.list().empty() && !noted_inside) {
      JobTable& table = jobs();
      target_.connection().run(
          [&](pqxx::transaction_base& tx) { table.complete(tx, key, warnings.list()); });
    }
    for (const auto& warning : warnings.list()) result.warnings.emplace_back(key, warning);
    spdlog::debug(
        "{}: made {} in {:.3f} s", target_.class_name(), key.to_display(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return Outcome::made;
  } catch (const StopRequested&) {
    if (reserved) jobs().release(key);
    spdlog::info("{}: stopping; {} returned to pending", target_.class_name(), key.to_display());
    return Outcome::stopped;
  } catch (const std::exception& e) {
    if (!target_.connection().is_open()) {
      // The session died, and this make's transaction with it: nothing was committed, and the
      // reservation's lock is gone, so any worker's next refresh returns the key to pending.
      // A transient fault, not the key's: no error is recorded; run_worker() reconnects.
      spdlog::warn("{}: {} interrupted in {}: the connection to the server was lost ({})",
                   target_.class_name(), key.to_display(), phase, e.what());
      throw;
    }
    const std::string message = type_name_of(e) + ": " + e.what();
    std::string stack = "table: " + target_.class_name() + "\nkey: " + key.to_display() +
                        "\nphase: " + phase + "\n";
    describe_chain(e, stack);
    spdlog::error("{}: {} failed in {}: {}", target_.class_name(), key.to_display(), phase,
                  e.what());
    if (reserved || options.suppress_errors) jobs().fail(key, message, stack);
    if (!options.suppress_errors) throw;
    result.errors.emplace_back(key, message);
    return Outcome::failed;
  }
}

PopulateResult AutoPopulate::populate(const PopulateOptions& options) {
  PopulateResult result;
  populate(options, result);
  return result;
}

std::vector<Row> AutoPopulate::keys_to_make(const PopulateOptions& options) {
  Query todo = pending_keys(options.restrictions);
  if (options.reserve_jobs) todo = todo - jobs().blocked_keys();
  std::vector<Row> keys = todo.fetch_keys();
  // Orphans that refresh() returns to pending (their worker died) were blocked when the keys
  // were fetched: fetch again, so that this pass takes them over.
  if (options.reserve_jobs && jobs().refresh(keys) > 0) keys = todo.fetch_keys();
  if (options.order == PopulateOrder::reverse) std::reverse(keys.begin(), keys.end());
  if (options.order == PopulateOrder::random)
    std::shuffle(keys.begin(), keys.end(), std::mt19937(std::random_device{}()));
  if (options.max_calls && static_cast<long long>(keys.size()) > *options.max_calls) {
    keys.resize(static_cast<size_t>(*options.max_calls));
  }
  return keys;
}

void AutoPopulate::populate(const PopulateOptions& options, PopulateResult& result) {
  const std::vector<Row> keys = keys_to_make(options);
  Progress progress(target_.class_name(), static_cast<long long>(keys.size()),
                    options.display_progress);
  for (const auto& key : keys) {
    if (stop_requested()) {
      result.stopped = true;
      break;
    }
    if (options.reserve_jobs && !jobs().reserve(key)) {
      ++result.skipped;
      continue;
    }
    const Outcome outcome = make_one(key, options.reserve_jobs, options, result);
    if (outcome == Outcome::stopped) {
      result.stopped = true;
      break;
    }
    if (outcome == Outcome::made) ++result.made;
    if (outcome == Outcome::skipped) ++result.skipped;
    progress.step(outcome == Outcome::failed);
  }
}

}  // namespace dj
