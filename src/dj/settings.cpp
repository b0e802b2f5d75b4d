#include "dj/settings.hpp"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <stdexcept>

namespace fs = std::filesystem;

namespace dj {
namespace {
std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value && *value) return std::string(value);
  return std::nullopt;
}
}  // namespace

fs::path config_file_path(const ConfigLocations& locations) {
  if (auto path = env(locations.config_file_env.c_str())) return *path;
  if (auto xdg = env("XDG_CONFIG_HOME")) return fs::path(*xdg) / locations.app_name / "config.json";
  if (auto home = env("HOME"))
    return fs::path(*home) / ".config" / locations.app_name / "config.json";
  return {};
}

nlohmann::json read_config_file(const ConfigLocations& locations) {
  const fs::path path = config_file_path(locations);
  if (path.empty() || !fs::exists(path)) return nlohmann::json::object();
  std::ifstream in(path);
  if (!in) throw std::runtime_error("configuration file " + path.string() + ": cannot be read");
  try {
    nlohmann::json config = nlohmann::json::parse(in);
    if (!config.is_object()) throw std::runtime_error("the top level must be an object");
    return config;
  } catch (const std::exception& e) {
    throw std::runtime_error("configuration file " + path.string() + ": " + e.what());
  }
}

EmbeddedServerOptions embedded_server_options(const ConfigLocations& locations, fs::path data_dir) {
  EmbeddedServerOptions options;
  options.postgres_bin_dir_env = locations.postgres_bin_dir_env;
  options.data_dir = std::move(data_dir);
  if (!options.data_dir.empty()) return options;
  const nlohmann::json config = read_config_file(locations);
  if (auto it = config.find("embedded_data_dir"); it != config.end() && it->is_string()) {
    options.data_dir = it->get<std::string>();
  } else {
    options.data_dir = EmbeddedServer::default_data_dir(locations);
  }
  return options;
}

DatabaseTarget locate_database(const ConfigLocations& locations, bool start_embedded) {
  if (auto url = env("DATABASE_URL")) return {*url, DatabaseSource::environment_url, {}, {}};
  if (env("PGHOST") || env("PGSERVICE")) return {"", DatabaseSource::libpq_environment, {}, {}};
  const nlohmann::json config = read_config_file(locations);
  if (auto it = config.find("database_url"); it != config.end() && it->is_string()) {
    return {it->get<std::string>(), DatabaseSource::config_file, {}, config_file_path(locations)};
  }
  EmbeddedServer server(embedded_server_options(locations));
  DatabaseTarget target{server.url(), DatabaseSource::embedded, server.data_dir(), {}};
  if (start_embedded) target.url = server.start();
  return target;
}

std::string describe(const DatabaseTarget& target) {
  switch (target.source) {
    case DatabaseSource::environment_url:
      return "DATABASE_URL (" + redact_url(target.url) + ")";
    case DatabaseSource::libpq_environment:
      return "libpq environment (PGHOST/PGSERVICE)";
    case DatabaseSource::config_file:
      return "configuration file " + target.config_file.string() + " (" + redact_url(target.url) +
             ")";
    case DatabaseSource::embedded:
      return "embedded server in " + target.embedded_data_dir.string();
  }
  return "unknown";
}

std::string redact_url(const std::string& url) {
  // URI form: scheme://user:password@host...; keyword form: password=... (quoted or not).
  static const std::regex uri_password(R"(^([a-z]+://[^:@/]*):[^@/]*@)");
  static const std::regex keyword_password(R"((^|\s)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+))");
  static const std::regex query_password(R"(([?&]password=)[^&]*)");
  std::string out = std::regex_replace(url, uri_password, "$1:***@");
  out = std::regex_replace(out, keyword_password, "$1$2***");
  return std::regex_replace(out, query_password, "$1***");
}

}  // namespace dj
