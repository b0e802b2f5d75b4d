#pragma once
// A connection to PostgreSQL (libpqxx). Outside a transaction each statement commits by
// itself (autocommit, as DataJoint works); Connection::Transaction groups statements.

#include <functional>
#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "dj/settings.hpp"

namespace dj {

/// One database session. Not thread-safe: give each thread its own connection. Tables and
/// queries keep a pointer to their connection, so it must outlive them.
class Connection {
 public:
  /// Connects to `conninfo` (a libpq URI or keyword string; empty: libpq's environment).
  /// Errors name the target with its password redacted.
  explicit Connection(const std::string& conninfo);
  /// Connects to the database that locate_database() finds (starting the embedded one if needed).
  static std::unique_ptr<Connection> open_default();
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

  /// The libpqxx connection, for work the dj layer does not wrap.
  pqxx::connection& native() { return *connection_; }
  /// The server's version number (e.g. 150018).
  int server_version() const { return connection_->server_version(); }
  /// The connection's backend process id (pg_backend_pid()).
  int backend_pid() const { return connection_->backendpid(); }
  /// Redacted description of where this connection goes.
  const std::string& target() const { return target_; }

 private:
  std::unique_ptr<pqxx::connection> connection_;
  std::string target_;
  pqxx::work* active_ = nullptr;
};

}  // namespace dj
