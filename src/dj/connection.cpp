#include "dj/connection.hpp"

#include <stdexcept>

#include <spdlog/spdlog.h>

namespace dj {

Connection::Connection(const std::string& conninfo)
    : target_(conninfo.empty() ? "libpq environment" : redact_url(conninfo)) {
  try {
    connection_ = std::make_unique<pqxx::connection>(conninfo);
  } catch (const pqxx::broken_connection& e) {
    throw std::runtime_error("cannot connect to PostgreSQL at " + target_ + ": " + e.what());
  }
  spdlog::debug("connected to PostgreSQL {} at {}", connection_->server_version(), target_);
}

Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::open_default() {
  return std::make_unique<Connection>(locate_database(true).url);
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
