#include "support/test_database.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "dj/embedded_server.hpp"

namespace fs = std::filesystem;

namespace fmtest {

std::string database_url() {
  if (const char* url = std::getenv("FMPIPE_TEST_DATABASE_URL"); url && *url) return url;
  static const std::string url = [] {
    dj::EmbeddedServerOptions options;
    options.data_dir = FMPIPE_TEST_DB_DIR;
    options.throwaway = true;
    return dj::EmbeddedServer(options).start();
  }();
  return url;
}

std::string unique_schema_name(const std::string& stem) {
  static std::atomic<int> counter{0};
  return stem + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
}

fs::path shared_fixture(const std::string& relative) {
  const fs::path path = fs::path(FMPIPE_SHARED_DIR) / "fixtures" / relative;
  return fs::exists(path) ? path : fs::path();
}

bool strict_tests() {
  const char* value = std::getenv("FMPIPE_STRICT_TESTS");
  return value != nullptr && std::string(value) == "1";
}

void without_shared(const std::string& message, const char* file, int line) {
  if (strict_tests()) {
    GTEST_FAIL_AT(file, line) << message
                              << " (FMPIPE_STRICT_TESTS=1: a missing fixture is a failure)";
  } else {
    GTEST_SKIP() << message;
  }
}

fs::path test_data(const std::string& relative) {
  return fs::path(FMPIPE_TEST_DATA_DIR) / relative;
}

}  // namespace fmtest

namespace fmtest {

void DatabaseTest::SetUp() {
  connection = std::make_unique<dj::Connection>(database_url());
}

void DatabaseTest::TearDown() {
  if (!connection) return;
  pqxx::nontransaction work(connection->native());
  for (auto it = schemas_.rbegin(); it != schemas_.rend(); ++it) {
    work.exec("DROP SCHEMA IF EXISTS \"" + *it + "\" CASCADE");
  }
}

dj::Schema DatabaseTest::make_schema(const std::string& stem) {
  schemas_.push_back(unique_schema_name(stem));
  return dj::Schema(*connection, schemas_.back());
}

}  // namespace fmtest
