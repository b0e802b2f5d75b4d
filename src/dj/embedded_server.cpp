#include "dj/embedded_server.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <vector>

#include <spdlog/spdlog.h>

#include "subprocess.hpp"

namespace fs = std::filesystem;

namespace dj {
namespace {

// PostgreSQL's default port, which names the socket when the options set none.
constexpr int kDefaultPort = 5432;
// The Unix socket path limit.
constexpr size_t kMaxSocketPath = 107;

/// PostgreSQL's bin folder: the one that $<env_name> names, else Debian's.
fs::path find_postgres_bin_dir(const std::string& env_name) {
  std::vector<fs::path> candidates;
  if (const char* env = env_name.empty() ? nullptr : std::getenv(env_name.c_str()))
    candidates.emplace_back(env);
  candidates.emplace_back("/usr/lib/postgresql/15/bin");
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    candidates.push_back(entry.path() / "bin");
  }
  for (const auto& dir : candidates) {
    if (fs::exists(dir / "initdb") && fs::exists(dir / "pg_ctl")) return dir;
  }
  const std::string or_set = env_name.empty() ? "" : ", or set " + env_name;
  throw std::runtime_error(
      "embedded PostgreSQL: initdb/pg_ctl not found (install Debian's postgresql-15" + or_set +
      ")");
}

bool running_as_root() {
  return geteuid() == 0;
}

/// Holds an exclusive advisory lock on a file for its lifetime.
class FileLock {
 public:
  explicit FileLock(const fs::path& path) {
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0 || flock(fd_, LOCK_EX) != 0) {
      throw std::runtime_error("embedded PostgreSQL: cannot lock " + path.string());
    }
  }
  ~FileLock() {
    if (fd_ >= 0) close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

std::string percent_encode_path(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

EmbeddedServer::EmbeddedServer(EmbeddedServerOptions options) : options_(std::move(options)) {
  if (options_.data_dir.empty())
    throw std::invalid_argument("embedded PostgreSQL: no data folder given");
  options_.data_dir = fs::absolute(options_.data_dir).lexically_normal();
  if (options_.data_dir.filename().empty()) options_.data_dir = options_.data_dir.parent_path();
  const std::string dir = options_.data_dir.string();
  const bool has_control = std::any_of(
      dir.begin(), dir.end(), [](char c) { return std::iscntrl(static_cast<unsigned char>(c)); });
  if (has_control || dir.find_first_of("'\"\\$`") != std::string::npos) {
    // pg_ctl hands the data folder and server options to a shell, inside double and single
    // quotes; refuse what those quotes do not make inert.
    throw std::invalid_argument("embedded PostgreSQL: data folder '" + dir +
                                "' contains a quote, backslash, '$', '`' or control character");
  }
  if (options_.port < 0 || options_.port > 65535) {
    throw std::invalid_argument("embedded PostgreSQL: port " + std::to_string(options_.port) +
                                " is not a port number (1 to 65535, or 0 for the default)");
  }
  if (dir.size() + 1 + socket_name().size() > kMaxSocketPath) {
    throw std::invalid_argument("embedded PostgreSQL: data folder '" + dir +
                                "' is too long for a Unix socket path (at most " +
                                std::to_string(kMaxSocketPath - 1 - socket_name().size()) +
                                " characters)");
  }
}

fs::path EmbeddedServer::default_data_dir(const ConfigLocations& locations) {
  const char* env = std::getenv(locations.data_dir_env.c_str());
  if (env && *env) return env;
  if (running_as_root()) return fs::path("/var/lib") / locations.app_name / "db";
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    return fs::path(xdg) / locations.app_name / "db";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return fs::path(home) / ".local" / "share" / locations.app_name / "db";
  }
  throw std::runtime_error("embedded PostgreSQL: set " + locations.data_dir_env + " (no HOME)");
}

std::string EmbeddedServer::url() const {
  std::string url =
      "postgresql://postgres@/postgres?host=" + percent_encode_path(options_.data_dir.string());
  if (options_.port != 0) url += "&port=" + std::to_string(options_.port);
  return url;
}

std::string EmbeddedServer::socket_name() const {
  return ".s.PGSQL." + std::to_string(options_.port != 0 ? options_.port : kDefaultPort);
}

namespace {
std::optional<std::string> server_account(const EmbeddedServerOptions& options) {
  if (running_as_root()) return options.service_account;
  return std::nullopt;
}

detail::ProgramResult run_tool(const EmbeddedServerOptions& options,
                               const std::vector<std::string>& argv) {
  return detail::run_program(argv, server_account(options));
}
}  // namespace

void EmbeddedServer::prepare_folder() const {
  const fs::path& dir = options_.data_dir;
  const bool created = fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  if (auto account = server_account(options_)) {
    passwd* entry = getpwnam(account->c_str());
    if (!entry) {
      throw std::runtime_error("embedded PostgreSQL: running as root needs the unprivileged '" +
                               *account + "' account (Debian's postgresql package creates it)");
    }
    if (created || !fs::exists(cluster_dir())) {
      if (chown(dir.c_str(), entry->pw_uid, entry->pw_gid) != 0) {
        throw std::runtime_error("embedded PostgreSQL: cannot give " + dir.string() + " to '" +
                                 *account + "'");
      }
    }
  }
}

void EmbeddedServer::initialize() const {
  const fs::path bin = find_postgres_bin_dir(options_.postgres_bin_dir_env);
  spdlog::info("embedded PostgreSQL: creating a cluster in {}", cluster_dir().string());
  auto result =
      run_tool(options_, {(bin / "initdb").string(), "-D", cluster_dir().string(), "-U", "postgres",
                          "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"});
  if (result.exit_code != 0) {
    std::string hint;
    if (running_as_root()) {
      hint = " (the '" + options_.service_account +
             "' account must be able to reach every parent folder of " +
             options_.data_dir.string() + ")";
    }
    throw std::runtime_error("embedded PostgreSQL: initdb failed in " + cluster_dir().string() +
                             hint + ":\n" + result.output);
  }
}

bool EmbeddedServer::is_running() const {
  if (!fs::exists(cluster_dir() / "PG_VERSION")) return false;
  const fs::path bin = find_postgres_bin_dir(options_.postgres_bin_dir_env);
  auto result =
      run_tool(options_, {(bin / "pg_ctl").string(), "status", "-D", cluster_dir().string()});
  return result.exit_code == 0 && fs::exists(options_.data_dir / socket_name());
}

EmbeddedServerStatus EmbeddedServer::status() const {
  EmbeddedServerStatus s;
  s.initialized = fs::exists(cluster_dir() / "PG_VERSION");
  s.running = s.initialized && is_running();
  s.url = url();
  return s;
}

std::string EmbeddedServer::start() {
  prepare_folder();
  FileLock lock(options_.data_dir / ".lock");
  if (!fs::exists(cluster_dir() / "PG_VERSION")) initialize();
  if (is_running()) {
    spdlog::debug("embedded PostgreSQL: reusing the server in {}", options_.data_dir.string());
    return url();
  }
  const fs::path bin = find_postgres_bin_dir(options_.postgres_bin_dir_env);
  std::string server_options = "-c listen_addresses='' -c unix_socket_directories='" +
                               options_.data_dir.string() + "' -c unix_socket_permissions=0700";
  if (options_.port != 0) server_options += " -c port=" + std::to_string(options_.port);
  if (options_.throwaway) {
    server_options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  }
  spdlog::info("embedded PostgreSQL: starting the server in {}", options_.data_dir.string());
  auto result =
      run_tool(options_, {(bin / "pg_ctl").string(), "start", "-D", cluster_dir().string(), "-l",
                          log_file().string(), "-w", "-t", "120", "-o", server_options});
  if (result.exit_code != 0) {
    throw std::runtime_error("embedded PostgreSQL: the server did not start (log: " +
                             log_file().string() + "):\n" + result.output);
  }
  return url();
}

void EmbeddedServer::stop() {
  if (!fs::exists(options_.data_dir)) return;
  FileLock lock(options_.data_dir / ".lock");
  if (!is_running()) return;
  const fs::path bin = find_postgres_bin_dir(options_.postgres_bin_dir_env);
  spdlog::info("embedded PostgreSQL: stopping the server in {}", options_.data_dir.string());
  auto result = run_tool(options_, {(bin / "pg_ctl").string(), "stop", "-D", cluster_dir().string(),
                                    "-m", "fast", "-w", "-t", "120"});
  if (result.exit_code != 0) {
    throw std::runtime_error("embedded PostgreSQL: the server in " + options_.data_dir.string() +
                             " did not stop:\n" + result.output);
  }
}

void EmbeddedServer::remove() {
  stop();
  std::error_code ec;
  fs::remove_all(options_.data_dir, ec);
  if (ec) {
    throw std::runtime_error("embedded PostgreSQL: cannot delete " + options_.data_dir.string() +
                             ": " + ec.message());
  }
}

}  // namespace dj
