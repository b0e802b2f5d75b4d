#pragma once
// A connection to PostgreSQL (libpqxx). Outside a transaction each statement commits by
// itself (autocommit, as DataJoint works); Connection::Transaction groups statements.
//
// A lost session (the server restarted, the network broke) is never replaced behind the
// caller's back: session state such as the advisory locks that hold job reservations dies with
// it, so the owner must know. reconnect() replaces it explicitly, with exponential backoff.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "dj/settings.hpp"

namespace dj {

/// How reconnect() retries: the wait doubles after each failed attempt, from `first_delay` up
/// to `max_delay`, and it gives up once `give_up_after` has passed without a connection.
struct ReconnectPolicy {
  std::chrono::milliseconds first_delay{250};
  std::chrono::milliseconds max_delay{8000};
  std::chrono::seconds give_up_after{600};
  /// The wait before attempt `attempt` (0 for the first): min(first_delay * 2^attempt, max_delay).
  std::chrono::milliseconds delay(int attempt) const;
};

/// One database session. Not thread-safe: give each thread its own connection. Tables and
/// queries keep a pointer to their connection, so it must outlive them.
class Connection {
 public:
  /// Connects to `conninfo` (a libpq URI or keyword string; empty: libpq's environment).
  /// Errors name the target with its password redacted.
  explicit Connection(const std::string& conninfo);
  /// Connects to the database that locate_database(locations) finds (starting the embedded one
  /// if needed).
  static std::unique_ptr<Connection> open_default(const ConfigLocations& locations);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// A transaction on this connection: commit() makes it permanent; destruction without
  /// commit rolls it back. One at a time per connection.
  class Transaction {
   public:
    explicit Transaction(Connection& connection);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();
    pqxx::transaction_base& native() { return *work_; }

   private:
    Connection& connection_;
    std::unique_ptr<pqxx::work> work_;
  };

  /// Runs `body` inside the open Transaction if there is one, else in a new transaction that
  /// commits when `body` returns (and rolls back if it throws).
  void run(const std::function<void(pqxx::transaction_base&)>& body);
  /// Like run(), for reading: outside a transaction it uses no BEGIN/COMMIT.
  void read(const std::function<void(pqxx::transaction_base&)>& body);
  bool in_transaction() const { return active_ != nullptr; }

  /// Whether the session is usable; false once the server ended it or the link broke (the
  /// statement that found out threw).
  bool is_open() const { return connection_->is_open(); }
  /// Replaces a lost session with a new one to the same server, waiting between attempts as
  /// `policy` says. Each failed attempt is logged with libpq's reason; the target is shown
  /// with its password redacted. Nothing of the old session carries over: its advisory locks
  /// (job reservations) and SET values are gone. Returns false, still disconnected, as soon as
  /// `keep_trying` (when given) returns false. Throws std::logic_error inside a Transaction,
  /// and std::runtime_error naming the target, the attempts and the last reason when the
  /// policy gives up.
  bool reconnect(const ReconnectPolicy& policy = {}, const std::function<bool()>& keep_trying = {});

  /// The libpqxx connection, for work the dj layer does not wrap.
  pqxx::connection& native() { return *connection_; }
  /// The server's version number (e.g. 150018).
  int server_version() const { return connection_->server_version(); }
  /// The connection's backend process id (pg_backend_pid()).
  int backend_pid() const { return connection_->backendpid(); }
  /// Redacted description of where this connection goes.
  const std::string& target() const { return target_; }

 private:
  /// Opens a session to conninfo_ (libpqxx's own silent reconnection off).
  void open();

  std::unique_ptr<pqxx::connection> connection_;
  std::string conninfo_;  ///< may hold a password: never logged or shown, target_ is
  std::string target_;
  pqxx::work* active_ = nullptr;
};

}  // namespace dj
