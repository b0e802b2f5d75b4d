#include "dj/connection.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

namespace dj {
namespace {

/// libpq's messages end with a newline and may hold more lines (a hint after a tab): one log
/// line each.
std::string one_line(const std::string& text) {
  std::string line;
  for (const char c : text) {
    const bool space = c == '\n' || c == '\t' || c == ' ';
    if (space && (line.empty() || line.back() == ' ')) continue;
    line += space ? ' ' : c;
  }
  if (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

/// Sleeps `duration` in short slices; false as soon as `keep_trying` says to stop.
bool sleep_unless_stopped(std::chrono::milliseconds duration,
                          const std::function<bool()>& keep_trying) {
  constexpr std::chrono::milliseconds kSlice{100};
  const auto until = std::chrono::steady_clock::now() + duration;
  for (;;) {
    if (keep_trying && !keep_trying()) return false;
    const auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, kSlice));
  }
}

}  // namespace

std::chrono::milliseconds ReconnectPolicy::delay(int attempt) const {
  std::chrono::milliseconds wait = first_delay;
  for (int i = 0; i < attempt && wait < max_delay; ++i) wait *= 2;
  return std::min(wait, max_delay);
}

Connection::Connection(const std::string& conninfo)
    : conninfo_(conninfo), target_(conninfo.empty() ? "libpq environment" : redact_url(conninfo)) {
  open();
  spdlog::debug("connected to PostgreSQL {} at {}", connection_->server_version(), target_);
}

void Connection::open() {
  try {
    connection_ = std::make_unique<pqxx::connection>(conninfo_);
  } catch (const pqxx::broken_connection& e) {
    throw std::runtime_error("cannot connect to PostgreSQL at " + target_ + ": " +
                             one_line(e.what()));
  }
#if PQXX_VERSION_MAJOR < 7
  // libpqxx 6 would reopen a broken connection by itself at the next statement, silently
  // dropping the session's advisory locks (job reservations); reconnect() does it openly.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  connection_->inhibit_reactivation(true);
#pragma GCC diagnostic pop
#endif
}

bool Connection::reconnect(const ReconnectPolicy& policy,
                           const std::function<bool()>& keep_trying) {
  if (active_) throw std::logic_error("cannot reconnect to " + target_ + " inside a transaction");
  const auto started = std::chrono::steady_clock::now();
  const auto seconds_since_start = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  // The first attempt is immediate (a session ended by an administrator can be replaced at
  // once); later ones back off, so that workers do not hammer a server that is restarting.
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0 && !sleep_unless_stopped(policy.delay(attempt - 1), keep_trying)) {
      return false;
    }
    try {
      open();
      spdlog::info("reconnected to {} after {} attempt(s), {:.1f} s without a connection", target_,
                   attempt + 1, seconds_since_start());
      return true;
    } catch (const std::exception& e) {
      if (std::chrono::steady_clock::now() - started >= policy.give_up_after) {
        throw std::runtime_error(
            fmt::format("gave up reconnecting after {} attempts in {:.1f} s: {}", attempt + 1,
                        seconds_since_start(), e.what()));
      }
      spdlog::warn("reconnecting: attempt {} failed: {}; next attempt in {} ms", attempt + 1,
                   e.what(), policy.delay(attempt).count());
    }
  }
}

Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::open_default(const ConfigLocations& locations) {
  return std::make_unique<Connection>(locate_database(locations, true).url);
}

Connection::Transaction::Transaction(Connection& connection) : connection_(connection) {
  if (connection.active_) {
    throw std::logic_error("a transaction is already open on this connection");
  }
  work_ = std::make_unique<pqxx::work>(connection.native());
  connection.active_ = work_.get();
}

Connection::Transaction::~Transaction() {
  connection_.active_ = nullptr;
  // pqxx rolls back an uncommitted transaction when it is destroyed.
}

void Connection::Transaction::commit() {
  work_->commit();
  connection_.active_ = nullptr;
}

void Connection::run(const std::function<void(pqxx::transaction_base&)>& body) {
  if (active_) {
    body(*active_);
    return;
  }
  pqxx::work work(*connection_);
  body(work);
  work.commit();
}

void Connection::read(const std::function<void(pqxx::transaction_base&)>& body) {
  if (active_) {
    body(*active_);
    return;
  }
  pqxx::nontransaction work(*connection_);
  body(work);
}

}  // namespace dj
