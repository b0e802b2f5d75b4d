// The embedded PostgreSQL component: create, start, reuse, stop, status, and connect.

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "dj/connection.hpp"
#include "dj/embedded_server.hpp"
#include "dj/settings.hpp"
#include "pipeline/config_locations.hpp"
#include "support/test_database.hpp"

namespace fs = std::filesystem;

TEST(EmbeddedServer, TestServerAnswersQueries) {
  dj::Connection connection(fmtest::database_url());
  EXPECT_GE(connection.server_version(), 150000);
  pqxx::nontransaction work(connection.native());
  EXPECT_EQ(work.exec1("SELECT 1 + 1")[0].as<int>(), 2);
  // Listens on its Unix socket only.
  EXPECT_EQ(work.exec1("SHOW listen_addresses")[0].as<std::string>(), "");
}

TEST(EmbeddedServer, LifecycleInItsOwnFolder) {
  const fs::path dir = "/tmp/fmpipe-lifecycle-" + std::to_string(getpid());
  dj::EmbeddedServerOptions options;
  options.data_dir = dir;
  options.throwaway = true;
  dj::EmbeddedServer server(options);

  auto before = server.status();
  EXPECT_FALSE(before.initialized);
  EXPECT_FALSE(before.running);

  const std::string url = server.start();
  EXPECT_EQ(url, "postgresql://postgres@/postgres?host=" + dir.string());
  EXPECT_TRUE(server.status().running);
  {
    dj::Connection connection(url);
    pqxx::nontransaction work(connection.native());
    work.exec("CREATE TABLE kept (x int)");
    work.exec("INSERT INTO kept VALUES (42)");
  }
  // A second start reuses the running server; its data are there.
  EXPECT_EQ(dj::EmbeddedServer(options).start(), url);

  server.stop();
  EXPECT_FALSE(server.status().running);
  EXPECT_TRUE(server.status().initialized);
  EXPECT_THROW(dj::Connection{url}, std::runtime_error);

  // A restart reuses the cluster with its data.
  server.start();
  {
    dj::Connection connection(url);
    pqxx::nontransaction work(connection.native());
    EXPECT_EQ(work.exec1("SELECT x FROM kept")[0].as<int>(), 42);
  }
  server.remove();
  EXPECT_FALSE(fs::exists(dir));
}

TEST(EmbeddedServer, RefusesFolderNamesItCannotQuote) {
  dj::EmbeddedServerOptions options;
  options.data_dir = "/tmp/it's";
  EXPECT_THROW(dj::EmbeddedServer{options}, std::invalid_argument);
  options.data_dir = "/tmp/" + std::string(120, 'x');
  EXPECT_THROW(dj::EmbeddedServer{options}, std::invalid_argument);
}

TEST(Settings, RedactsPasswords) {
  EXPECT_EQ(dj::redact_url("postgresql://lab:s3cret@db.example.org:5432/pipe"),
            "postgresql://lab:***@db.example.org:5432/pipe");
  EXPECT_EQ(dj::redact_url("host=db user=lab password=s3cret dbname=x"),
            "host=db user=lab password=*** dbname=x");
  EXPECT_EQ(dj::redact_url("host=db password='a b' dbname=x"), "host=db password=*** dbname=x");
  EXPECT_EQ(dj::redact_url("postgresql:///x?host=/tmp&password=s3cret&user=u"),
            "postgresql:///x?host=/tmp&password=***&user=u");
  EXPECT_EQ(dj::redact_url("postgresql://postgres@/postgres?host=/tmp/x"),
            "postgresql://postgres@/postgres?host=/tmp/x");
}

TEST(Settings, DatabaseUrlWinsOverEverything) {
  setenv("DATABASE_URL", "postgresql://u:pw@h/db", 1);
  auto target = dj::locate_database(pipeline::config_locations(), false);
  unsetenv("DATABASE_URL");
  EXPECT_EQ(target.source, dj::DatabaseSource::environment_url);
  EXPECT_EQ(target.url, "postgresql://u:pw@h/db");
  EXPECT_EQ(dj::describe(target), "DATABASE_URL (postgresql://u:***@h/db)");
}

TEST(Settings, ConfigFileThenEmbedded) {
  const fs::path config = "/tmp/fmpipe-config-" + std::to_string(getpid()) + ".json";
  {
    std::ofstream out(config);
    out << R"({"database_url": "postgresql://from-config/db"})";
  }
  unsetenv("DATABASE_URL");
  unsetenv("PGHOST");
  unsetenv("PGSERVICE");
  setenv("FMPIPE_CONFIG", config.c_str(), 1);
  auto from_file = dj::locate_database(pipeline::config_locations(), false);
  EXPECT_EQ(from_file.source, dj::DatabaseSource::config_file);
  EXPECT_EQ(from_file.url, "postgresql://from-config/db");

  {
    std::ofstream out(config);
    out << R"({"embedded_data_dir": "/tmp/somewhere"})";
  }
  auto embedded = dj::locate_database(pipeline::config_locations(), false);
  EXPECT_EQ(embedded.source, dj::DatabaseSource::embedded);
  EXPECT_EQ(embedded.embedded_data_dir, fs::path("/tmp/somewhere"));

  {
    std::ofstream out(config);
    out << "{not json";
  }
  EXPECT_THROW(dj::locate_database(pipeline::config_locations(), false), std::runtime_error);
  unsetenv("FMPIPE_CONFIG");
  fs::remove(config);
}

// dj knows no product's names: the configuration file and the embedded server's folder are
// found under the names its caller gives.
TEST(Settings, TheCallerNamesTheConfigurationAndDataFolders) {
  const dj::ConfigLocations names{"some-app", "SOME_APP_CONFIG", "SOME_APP_DATA", "SOME_APP_PG"};
  unsetenv("SOME_APP_CONFIG");
  unsetenv("SOME_APP_DATA");
  const char* xdg_config = std::getenv("XDG_CONFIG_HOME");
  const char* xdg_data = std::getenv("XDG_DATA_HOME");
  const std::string saved_config = xdg_config ? xdg_config : "";
  const std::string saved_data = xdg_data ? xdg_data : "";
  setenv("XDG_CONFIG_HOME", "/tmp/xdg-config", 1);
  setenv("XDG_DATA_HOME", "/tmp/xdg-data", 1);
  EXPECT_EQ(dj::config_file_path(names), fs::path("/tmp/xdg-config/some-app/config.json"));
  EXPECT_EQ(dj::EmbeddedServer::default_data_dir(names),
            fs::path(geteuid() == 0 ? "/var/lib/some-app/db" : "/tmp/xdg-data/some-app/db"));
  setenv("SOME_APP_CONFIG", "/tmp/some-app.json", 1);
  setenv("SOME_APP_DATA", "/tmp/some-app-db", 1);
  EXPECT_EQ(dj::config_file_path(names), fs::path("/tmp/some-app.json"));
  EXPECT_EQ(dj::EmbeddedServer::default_data_dir(names), fs::path("/tmp/some-app-db"));
  EXPECT_EQ(dj::embedded_server_options(names).data_dir, fs::path("/tmp/some-app-db"));
  EXPECT_EQ(dj::embedded_server_options(names).postgres_bin_dir_env, "SOME_APP_PG");
  // The pipeline's own names stay facemap-pipeline's.
  unsetenv("FMPIPE_CONFIG");
  EXPECT_EQ(dj::config_file_path(pipeline::config_locations()),
            fs::path("/tmp/xdg-config/facemap-pipeline/config.json"));
  unsetenv("SOME_APP_CONFIG");
  unsetenv("SOME_APP_DATA");
  for (const auto& [name, saved] :
       {std::pair{"XDG_CONFIG_HOME", saved_config}, std::pair{"XDG_DATA_HOME", saved_data}}) {
    if (saved.empty()) {
      unsetenv(name);
    } else {
      setenv(name, saved.c_str(), 1);
    }
  }
}
