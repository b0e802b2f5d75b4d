#pragma once
// A connection to PostgreSQL (libpqxx), in autocommit mode as DataJoint's is.

#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "dj/settings.hpp"

namespace dj {

/// One database session. Not thread-safe: give each thread its own connection.
class Connection {
 public:
  /// Connects to `conninfo` (a libpq URI or keyword string; empty: libpq's environment).
  /// Errors name the target with its password redacted.
  explicit Connection(const std::string& conninfo);
  /// Connects to the database that locate_database() finds (starting the embedded one if needed).
  static Connection open_default();

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

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
};

}  // namespace dj
