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

Connection Connection::open_default() { return Connection(locate_database(true).url); }

}  // namespace dj
