#pragma once
// A private PostgreSQL cluster that the library starts by itself when no server is configured.
//
// The cluster lives in one data folder: `pgdata/` (the cluster), `server.log`, and the Unix
// socket. The server listens on that socket only (no TCP), and the folder is private to the
// account that runs the server, so local "trust" authentication is safe. PostgreSQL refuses to
// run as root; when the calling process is root, the server runs as an unprivileged account
// (Debian's `postgres` user) that owns the folder. Starting is idempotent and safe to call from
// several processes at once (an advisory file lock serialises start and stop).

#include <filesystem>
#include <string>

#include "dj/config_locations.hpp"

namespace dj {

/// Options for an embedded cluster.
struct EmbeddedServerOptions {
  /// Folder holding the cluster, its log and its socket (created when missing); required (see
  /// default_data_dir()).
  std::filesystem::path data_dir;
  /// The environment variable that names PostgreSQL's bin folder, searched first (empty: none).
  std::string postgres_bin_dir_env;
  /// Trade durability for speed (fsync off): for throwaway test servers only.
  bool throwaway = false;
  /// Account that runs the server when the caller is root.
  std::string service_account = "postgres";
  /// The server's port number, 1 to 65535; 0 (the default) leaves it to PostgreSQL (5432, or
  /// $PGPORT). The server listens on no TCP address whatever the port: the number names its
  /// Unix socket (`.s.PGSQL.<port>`), and url() carries it. Set it to give a server a number
  /// known to be free, e.g. a test that checks that nothing answers on the port over TCP.
  int port = 0;
};

/// Where an embedded cluster stands.
struct EmbeddedServerStatus {
  bool initialized = false;  ///< the cluster exists (initdb has run)
  bool running = false;      ///< a server is accepting connections on the socket
  std::string url;           ///< connection string for libpq / libpqxx
};

/// A PostgreSQL 15 cluster in a private folder, reached through a Unix socket.
class EmbeddedServer {
 public:
  explicit EmbeddedServer(EmbeddedServerOptions options);

  /// The default data folder under the caller's names: $<data_dir_env>, else
  /// /var/lib/<app_name>/db for root, else $XDG_DATA_HOME/<app_name>/db, else
  /// ~/.local/share/<app_name>/db.
  static std::filesystem::path default_data_dir(const ConfigLocations& locations);

  /// Creates the cluster if needed, starts the server unless it runs, and returns the URL.
  std::string start();
  /// Stops the server (fast shutdown: open sessions are rolled back). No-op when stopped.
  void stop();
  /// Stops the server and deletes the data folder.
  void remove();
  /// Reads the state without changing anything.
  EmbeddedServerStatus status() const;
  /// Connection string: postgresql://postgres@/postgres?host=<socket folder>, with
  /// `&port=<port>` when the options set one.
  std::string url() const;

  const std::filesystem::path& data_dir() const { return options_.data_dir; }
  std::filesystem::path log_file() const { return options_.data_dir / "server.log"; }

 private:
  std::filesystem::path cluster_dir() const { return options_.data_dir / "pgdata"; }
  /// The Unix socket's file name in the data folder: .s.PGSQL.<port>.
  std::string socket_name() const;
  void prepare_folder() const;
  void initialize() const;
  bool is_running() const;

  EmbeddedServerOptions options_;
};

}  // namespace dj
