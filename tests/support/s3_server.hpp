#pragma once
// A local S3-protocol server for the s3 store tests: s3rver (tests/peers, installed from the npm
// registry by scripts/setup.sh), started on a free loopback port with a bucket of its own and a
// throwaway data folder, and stopped when the object goes away.

#include <filesystem>
#include <memory>
#include <string>

#include "support/child_process.hpp"

namespace fmtest {

class S3Server {
 public:
  /// The bucket every test server has.
  static constexpr const char* kBucket = "fmpipe-test";
  /// s3rver's fixed credentials.
  static constexpr const char* kAccessKey = "S3RVER";
  static constexpr const char* kSecretKey = "S3RVER";

  /// Starts a server, or returns null with `why_not` set when node or s3rver is not installed.
  static std::unique_ptr<S3Server> start(std::string& why_not);
  ~S3Server();

  /// "127.0.0.1:PORT".
  const std::string& endpoint() const { return endpoint_; }
  /// Stops the server now (to test a store that is gone).
  void stop();

 private:
  S3Server(ChildProcess process, std::string endpoint, std::filesystem::path folder);
  ChildProcess process_;
  std::string endpoint_;
  std::filesystem::path folder_;
};

}  // namespace fmtest

/// Starts an S3Server into `var`, or ends the test (a skip; a failure under
/// FMPIPE_STRICT_TESTS=1) when the server is not installed.
#define FMPIPE_START_S3_SERVER(var)                               \
  std::string var##_missing;                                      \
  auto var = fmtest::S3Server::start(var##_missing);              \
  if (!var) return fmtest::without_shared(var##_missing, __FILE__, __LINE__)
