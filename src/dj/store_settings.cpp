// Store configuration with DataJoint 2.x's keys, defaults and checks (dj/store_settings.hpp).

#include "dj/store_settings.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include <spdlog/spdlog.h>

#include "dj/settings.hpp"
#include "text.hpp"

namespace dj {
namespace {

const std::set<std::string> kCommonKeys = {"protocol",      "location",          "subfolding",
                                           "partition_pattern", "token_length", "hash_prefix",
                                           "schema_prefix", "filepath_prefix",   "stage"};
const std::set<std::string> kS3Keys = {"endpoint",   "bucket", "access_key",
                                       "secret_key", "secure", "proxy_server"};

std::string joined(const std::vector<std::string>& names) { return join(names, ", "); }

std::string strip_slashes(std::string text) {
  while (!text.empty() && text.front() == '/') text.erase(text.begin());
  while (!text.empty() && text.back() == '/') text.pop_back();
  return text;
}

class SpecReader {
 public:
  SpecReader(std::string name, const nlohmann::json& json, std::string source)
      : name_(std::move(name)), json_(json), source_(std::move(source)) {}

  StoreSpec read() {
    if (!json_.is_object()) fail("", "must be an object");
    StoreSpec spec;
    spec.name = name_;
    spec.protocol = text("protocol", true);
    if (spec.protocol != "file" && spec.protocol != "s3")
      fail("protocol", "is '" + spec.protocol + "'; the protocols are 'file' and 's3'");
    const bool s3 = spec.protocol == "s3";
    for (const auto& [key, value] : json_.items()) {
      if (!kCommonKeys.contains(key) && !(s3 && kS3Keys.contains(key)))
        fail(key, "is not a key of a " + spec.protocol + " store");
      // DataJoint accepts these two and uses neither; say so rather than seem to honour them.
      if (key == "stage" || key == "proxy_server")
        spdlog::warn("{}: store '{}': {} is not used (neither DataJoint nor this library acts on it)",
                     source_, name_, key);
    }
    spec.location = text("location", true);
    if (s3) {
      spec.endpoint = text("endpoint", true);
      spec.bucket = text("bucket", true);
      if (spec.endpoint.empty()) fail("endpoint", "is empty");
      if (spec.bucket.empty()) fail("bucket", "is empty");
      spec.access_key = text("access_key", false);
      spec.secret_key = text("secret_key", false);
      if (spec.access_key.empty() != spec.secret_key.empty())
        fail(spec.access_key.empty() ? "access_key" : "secret_key",
             "is missing; give both access_key and secret_key, or neither");
      if (json_.contains("secure")) {
        if (!json_["secure"].is_boolean()) fail("secure", "must be true or false");
        spec.secure = json_["secure"].get<bool>();
      }
    }
    if (json_.contains("subfolding") && !json_["subfolding"].is_null()) {
      for (const auto& level : list("subfolding")) {
        if (!level.is_number_integer() || level.get<int>() < 1)
          fail("subfolding", "must be a list of positive whole numbers, e.g. [2, 2]");
        spec.subfolding.push_back(level.get<int>());
      }
    }
    if (json_.contains("partition_pattern") && !json_["partition_pattern"].is_null()) {
      if (!json_["partition_pattern"].is_string())
        fail("partition_pattern", "must be text such as \"{subject}/{session}\"");
      spec.partition_pattern = pattern_attributes(json_["partition_pattern"].get<std::string>());
    }
    if (json_.contains("token_length")) {
      if (!json_["token_length"].is_number_integer())
        fail("token_length", "must be a whole number");
      // DataJoint clamps the length to 4..16.
      spec.token_length = std::clamp(json_["token_length"].get<int>(), 4, 16);
    }
    if (json_.contains("hash_prefix")) spec.hash_prefix = text("hash_prefix", false);
    if (json_.contains("schema_prefix")) spec.schema_prefix = text("schema_prefix", false);
    if (json_.contains("filepath_prefix") && !json_["filepath_prefix"].is_null())
      spec.filepath_prefix = text("filepath_prefix", false);
    check_prefixes(spec);
    return spec;
  }

 private:
  [[noreturn]] void fail(const std::string& key, const std::string& reason) const {
    throw StoreConfigError(source_ + ": store '" + name_ + "'" +
                           (key.empty() ? "" : ": " + key) + " " + reason);
  }

  std::string text(const std::string& key, bool required) const {
    if (!json_.contains(key)) {
      if (required) fail(key, "is missing");
      return {};
    }
    if (!json_[key].is_string()) fail(key, "must be text");
    return json_[key].get<std::string>();
  }

  const nlohmann::json& list(const std::string& key) const {
    if (!json_[key].is_array()) fail(key, "must be a list");
    return json_[key];
  }

  // "{subject}/{session}" -> {"subject", "session"}.
  std::vector<std::string> pattern_attributes(const std::string& pattern) const {
    std::vector<std::string> attributes;
    for (std::size_t open = pattern.find('{'); open != std::string::npos;
         open = pattern.find('{', open + 1)) {
      const std::size_t close = pattern.find('}', open);
      if (close == std::string::npos) fail("partition_pattern", "has an unclosed '{'");
      attributes.push_back(pattern.substr(open + 1, close - open - 1));
    }
    return attributes;
  }

  // As DataJoint requires, no prefix may lie inside another, so that gc can tell the kinds of
  // objects apart by path.
  void check_prefixes(const StoreSpec& spec) const {
    std::vector<std::pair<std::string, std::string>> prefixes = {
        {"hash_prefix", strip_slashes(spec.hash_prefix)},
        {"schema_prefix", strip_slashes(spec.schema_prefix)}};
    if (spec.filepath_prefix) prefixes.emplace_back("filepath_prefix", strip_slashes(*spec.filepath_prefix));
    for (const auto& [key, prefix] : prefixes)
      for (const auto& [other_key, other] : prefixes)
        if (key != other_key && !prefix.empty() &&
            (other == prefix || other.rfind(prefix + "/", 0) == 0))
          fail(other_key, "'" + other + "' lies inside " + key + " '" + prefix + "'");
  }

  std::string name_;
  const nlohmann::json& json_;
  std::string source_;
};

}  // namespace

std::string StoreSpec::describe() const {
  const std::string where = protocol == "s3" ? (secure ? "https://" : "http://") + endpoint + "/" +
                                                   bucket + (location.empty() ? "" : "/" + location)
                                             : location;
  return "store '" + name + "' (" + protocol + " " + where + ")";
}

StoreSettings StoreSettings::from_json(const nlohmann::json& stores, const std::string& source) {
  if (!stores.is_object())
    throw StoreConfigError(source + ": \"stores\" must be an object of stores by name");
  StoreSettings settings;
  settings.source_ = source;
  for (const auto& [name, value] : stores.items()) {
    if (name == "default") {
      if (!value.is_string())
        throw StoreConfigError(source + ": stores.default must be the name of a store");
      settings.default_ = value.get<std::string>();
    } else if (name != "filepath_default") {
      settings.stores_.emplace(name, SpecReader(name, value, source).read());
    }
  }
  if (!settings.default_.empty() && !settings.stores_.contains(settings.default_))
    throw StoreConfigError(source + ": stores.default names '" + settings.default_ +
                           "', which is not configured (stores: " + joined(settings.names()) + ")");
  return settings;
}

const StoreSpec& StoreSettings::spec(const std::string& name) const {
  const std::string& wanted = name.empty() ? default_ : name;
  if (wanted.empty())
    throw StoreConfigError("no store named and no default store configured" +
                           (source_.empty() ? std::string() : " in " + source_));
  const auto found = stores_.find(wanted);
  if (found == stores_.end())
    throw StoreConfigError("store '" + wanted + "' is not configured" +
                           (stores_.empty() ? std::string(" (no stores are)")
                                            : " (stores: " + joined(names()) + ")") +
                           (source_.empty() ? std::string() : " in " + source_));
  return found->second;
}

std::vector<std::string> StoreSettings::names() const {
  std::vector<std::string> names;
  for (const auto& [name, spec] : stores_) names.push_back(name);
  return names;
}

StoreSettings read_store_settings(const ConfigLocations& locations) {
  if (!locations.stores_env.empty()) {
    const char* value = std::getenv(locations.stores_env.c_str());
    if (value && *value) {
      nlohmann::json stores;
      try {
        stores = nlohmann::json::parse(value);
      } catch (const nlohmann::json::exception& error) {
        throw StoreConfigError("$" + locations.stores_env + " is not valid JSON: " + error.what());
      }
      return StoreSettings::from_json(stores, "$" + locations.stores_env);
    }
  }
  const nlohmann::json config = read_config_file(locations);
  if (!config.contains("stores")) return {};
  return StoreSettings::from_json(config["stores"],
                                  "configuration file " + config_file_path(locations).string());
}

}  // namespace dj
