#pragma once
// The names under which a program built on dj keeps its configuration file and its embedded
// server's data. dj knows no product's names: its caller passes them (facemap-pipeline's are in
// pipeline/config_locations.hpp).

#include <string>

namespace dj {

/// Where a program's configuration and embedded server live, by name.
struct ConfigLocations {
  /// The program's folder name: $XDG_CONFIG_HOME/<app_name>/config.json (else
  /// ~/.config/<app_name>/config.json), and the embedded server's $XDG_DATA_HOME/<app_name>/db
  /// (else ~/.local/share/<app_name>/db, or /var/lib/<app_name>/db for root).
  std::string app_name;
  /// The environment variable that names the configuration file, overriding the folder above.
  std::string config_file_env;
  /// The environment variable that names the embedded server's data folder.
  std::string data_dir_env;
  /// The environment variable that names PostgreSQL's bin folder (initdb, pg_ctl) for the
  /// embedded server, searched before Debian's /usr/lib/postgresql/<version>/bin.
  std::string postgres_bin_dir_env;
  /// The environment variable that holds the object stores as JSON, shaped as the
  /// configuration file's "stores" block, which it replaces (as DataJoint's DJ_STORES does).
  std::string stores_env;
};

}  // namespace dj
