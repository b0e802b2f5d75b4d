#pragma once
// What tests share: the throwaway PostgreSQL server, unique schema names, fixture paths.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace fmtest {

/// The tests' database: FMPIPE_TEST_DATABASE_URL when set (an external server), else the
/// throwaway embedded server in FMPIPE_TEST_DB_DIR, started on first use (CTest's fixture
/// normally starts it before the run).
std::string database_url();

/// A schema name no other test process uses at the same time: "<stem>_<pid>_<counter>".
std::string unique_schema_name(const std::string& stem);

/// A file under ../shared/fixtures, or an empty path when the shared folder is absent (a user's
/// clone has none); use FMPIPE_SKIP_WITHOUT_SHARED to skip with a clear message.
std::filesystem::path shared_fixture(const std::string& relative);

/// Whether FMPIPE_STRICT_TESTS=1 is set (CI sets it): a test that needs something from ../shared
/// then fails instead of skipping, so that a run without the fixtures cannot pass as 33 skips.
bool strict_tests();

/// Records the end of the current test for want of something in ../shared, saying what: a skip,
/// or a failure at `file`:`line` under FMPIPE_STRICT_TESTS=1. Use FMPIPE_WITHOUT_SHARED, which
/// returns from the test.
void without_shared(const std::string& message, const char* file, int line);

/// A file under tests/data (committed with the project).
std::filesystem::path test_data(const std::string& relative);

}  // namespace fmtest

/// Ends the current test for want of something in ../shared, saying what: a skip, or a failure
/// under FMPIPE_STRICT_TESTS=1.
#define FMPIPE_WITHOUT_SHARED(message) return fmtest::without_shared((message), __FILE__, __LINE__)

/// Skips the current test (fails it under FMPIPE_STRICT_TESTS=1) when the named ../shared
/// fixture is missing.
#define FMPIPE_SKIP_WITHOUT_SHARED(path_var, relative)                          \
  const std::filesystem::path path_var = fmtest::shared_fixture(relative);      \
  if (path_var.empty())                                                         \
  FMPIPE_WITHOUT_SHARED(std::string("needs ../shared/fixtures/") + (relative) + \
                        ", which only the project's development checkout has")

#include <memory>
#include <vector>

#include "dj/connection.hpp"
#include "dj/schema.hpp"

namespace fmtest {

/// A test with a connection to the tests' database; schemas made with make_schema() are
/// dropped when the test ends.
class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  /// A fresh schema named "<stem>_<pid>_<n>".
  dj::Schema make_schema(const std::string& stem);

  std::unique_ptr<dj::Connection> connection;

 private:
  std::vector<std::string> schemas_;
};

}  // namespace fmtest
