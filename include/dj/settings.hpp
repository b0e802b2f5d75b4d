#pragma once
// Where the database is. The first of these wins:
//   1. DATABASE_URL (a libpq connection string or URI);
//   2. libpq's own environment (PGHOST or PGSERVICE set): connect with an empty conninfo, so
//      libpq reads PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD and ~/.pgpass itself;
//   3. the configuration file's "database_url" (the file that $<config_file_env> names, else
//      $XDG_CONFIG_HOME/<app_name>/config.json, else ~/.config/<app_name>/config.json);
//   4. the embedded server (dj/embedded_server.hpp), started on demand.
// The names in <> are the caller's (dj::ConfigLocations): dj knows no product's names.
// Passwords belong in the environment or ~/.pgpass; redact_url() removes them for display.

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "dj/config_locations.hpp"
#include "dj/embedded_server.hpp"

namespace dj {

/// How the database location was found.
enum class DatabaseSource { environment_url, libpq_environment, config_file, embedded };

/// A database to connect to.
struct DatabaseTarget {
  std::string url;  ///< conninfo for libpq; empty means "libpq's environment"
  DatabaseSource source = DatabaseSource::embedded;
  std::filesystem::path embedded_data_dir;  ///< set when source == embedded
  std::filesystem::path config_file;        ///< set when source == config_file
};

/// The configuration file's path (whether or not it exists).
std::filesystem::path config_file_path(const ConfigLocations& locations);

/// The configuration file's contents, or an empty object when there is none.
/// Throws with the file's name when it exists but is not valid JSON.
nlohmann::json read_config_file(const ConfigLocations& locations);

/// Resolves the database as described above. With `start_embedded`, an embedded server is
/// created and started when nothing else is configured; otherwise only its URL is returned.
DatabaseTarget locate_database(const ConfigLocations& locations, bool start_embedded = true);

/// The embedded server's options: its data folder is `data_dir` when given, else the
/// configuration file's "embedded_data_dir", else EmbeddedServer::default_data_dir(locations);
/// PostgreSQL's bin folder may be named by $<postgres_bin_dir_env>.
EmbeddedServerOptions embedded_server_options(const ConfigLocations& locations,
                                              std::filesystem::path data_dir = {});

/// A human-readable name of the source ("DATABASE_URL", "embedded server in ...").
std::string describe(const DatabaseTarget& target);

/// The URL with any password replaced by "***", for logs and messages.
std::string redact_url(const std::string& url);

}  // namespace dj
