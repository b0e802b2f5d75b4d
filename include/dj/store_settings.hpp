#pragma once
// Object stores, configured as DataJoint 2.x configures them (its settings.py): a "stores"
// object whose "default" names the default store and whose other members are stores by name,
//   {"default": "main",
//    "main": {"protocol": "file", "location": "/data/dj-store"},
//    "lab-s3": {"protocol": "s3", "endpoint": "s3.example.org:9000", "bucket": "facemap",
//               "location": "pipeline", "access_key": "...", "secret_key": "..."}}
// in the configuration file (dj/settings.hpp), replaced as a whole by the JSON in
// $<stores_env> when that is set. The same keys, defaults and checks as DataJoint's apply, so
// one description serves both clients. S3 credentials not in the description come from
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; they are never logged or shown (describe()).

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dj/config_locations.hpp"

namespace dj {

/// A store that is not configured, or configured wrongly; the message names the store, the key
/// and where the configuration came from.
class StoreConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One store.
struct StoreSpec {
  std::string name;
  std::string protocol;  ///< "file" or "s3"
  /// file: the store's folder; s3: the key prefix inside the bucket ("" for its root).
  std::string location;
  std::string endpoint;    ///< s3: host[:port]
  std::string bucket;      ///< s3
  std::string access_key;  ///< s3; empty: from the environment, else anonymous
  std::string secret_key;  ///< s3
  bool secure = true;      ///< s3: https (else http)
  /// Hash-addressed objects go in folders named by the hash's first characters, e.g. {2, 2}
  /// puts "ahgalc..." under "ah/ga/". Empty: no folders.
  std::vector<int> subfolding;
  std::vector<std::string> partition_pattern;  ///< key attributes that lead schema paths
  int token_length = 8;                        ///< random characters in schema-addressed names
  std::string hash_prefix = "_hash";
  std::string schema_prefix = "_schema";
  std::optional<std::string> filepath_prefix;

  /// "store 'main' (file /data/dj-store)", for messages; never includes credentials.
  std::string describe() const;
};

/// Every configured store.
class StoreSettings {
 public:
  StoreSettings() = default;
  /// Reads a "stores" object; `source` names where it came from, for errors. Throws
  /// StoreConfigError for unknown or missing keys, a wrong protocol or nested prefixes.
  static StoreSettings from_json(const nlohmann::json& stores, const std::string& source);

  /// The named store, or the default one when `name` is empty. Throws StoreConfigError naming
  /// the store and the stores that exist.
  const StoreSpec& spec(const std::string& name = {}) const;
  bool empty() const { return stores_.empty(); }
  /// The default store's name; empty when none is set.
  const std::string& default_store() const { return default_; }
  std::vector<std::string> names() const;

 private:
  std::map<std::string, StoreSpec> stores_;
  std::string default_;
  std::string source_;
};

/// The stores of $<stores_env> when set, else of the configuration file's "stores" (none when
/// neither has any).
StoreSettings read_store_settings(const ConfigLocations& locations);

}  // namespace dj
