#pragma once
// The benchmarks' database: a throwaway embedded PostgreSQL in /tmp/fmpipe-bench-db, and a
// fresh schema in it.

#include <string>

#include "dj/embedded_server.hpp"
#include "dj/schema.hpp"

namespace bench {

/// The URL of the benchmarks' server, started when needed.
inline std::string database_url() {
  dj::EmbeddedServerOptions options;
  options.data_dir = "/tmp/fmpipe-bench-db";
  options.throwaway = true;
  return dj::EmbeddedServer(options).start();
}

/// Drops schema `name` if it exists and declares it afresh.
inline dj::Schema fresh_schema(dj::Connection& connection, const std::string& name) {
  pqxx::nontransaction(connection.native()).exec("DROP SCHEMA IF EXISTS \"" + name + "\" CASCADE");
  return dj::Schema(connection, name);
}

}  // namespace bench
