// Object stores: the configuration as DataJoint 2.x reads it, and the file and s3 protocols,
// the latter against a local S3-protocol server (s3rver) that the test starts on loopback.
// Objects are whole or absent, concurrent writers of one object leave it intact, and every
// failure names the store and the object.

#include <signal.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "dj/content_hash.hpp"
#include "dj/storage.hpp"
#include "support/child_process.hpp"
#include "support/log_capture.hpp"
#include "support/s3_server.hpp"
#include "support/test_database.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "no error";
}

TEST(StoreSettings, ReadsDataJointsStoresWithItsDefaults) {
  const auto settings = dj::StoreSettings::from_json(
      nlohmann::json::parse(R"({"default": "main",
        "main": {"protocol": "file", "location": "/data/store", "subfolding": [2, 2]},
        "cloud": {"protocol": "s3", "endpoint": "s3.example.org:9000", "bucket": "lab",
                  "location": "", "access_key": "AK", "secret_key": "SECRET", "secure": false}})"),
      "test");
  EXPECT_EQ(settings.default_store(), "main");
  const dj::StoreSpec& main = settings.spec();
  EXPECT_EQ(main.name, "main");
  EXPECT_EQ(main.location, "/data/store");
  EXPECT_EQ(main.subfolding, (std::vector<int>{2, 2}));
  EXPECT_EQ(main.hash_prefix, "_hash");
  EXPECT_EQ(main.schema_prefix, "_schema");
  EXPECT_EQ(main.token_length, 8);
  const dj::StoreSpec& cloud = settings.spec("cloud");
  EXPECT_FALSE(cloud.secure);
  EXPECT_EQ(cloud.describe(), "store 'cloud' (s3 http://s3.example.org:9000/lab)");
  EXPECT_EQ(cloud.describe().find("SECRET"), std::string::npos);
}

TEST(StoreSettings, MistakesNameTheStoreAndTheKey) {
  const auto error = [](const std::string& json) {
    return error_of([&] { dj::StoreSettings::from_json(nlohmann::json::parse(json), "cfg.json"); });
  };
  EXPECT_EQ(error(R"({"main": {"protocol": "file"}})"), "cfg.json: store 'main': location is missing");
  EXPECT_EQ(error(R"({"main": {"protocol": "ftp", "location": "/x"}})"),
            "cfg.json: store 'main': protocol is 'ftp'; the protocols are 'file' and 's3'");
  EXPECT_EQ(error(R"({"main": {"protocol": "file", "location": "/x", "bucket": "b"}})"),
            "cfg.json: store 'main': bucket is not a key of a file store");
  EXPECT_EQ(error(R"({"s": {"protocol": "s3", "endpoint": "e", "bucket": "b", "location": "",
                          "access_key": "AK"}})"),
            "cfg.json: store 's': secret_key is missing; give both access_key and secret_key, or "
            "neither");
  EXPECT_EQ(error(R"({"main": {"protocol": "file", "location": "/x", "hash_prefix": "objects",
                             "schema_prefix": "objects/tables"}})"),
            "cfg.json: store 'main': schema_prefix 'objects/tables' lies inside hash_prefix 'objects'");
  EXPECT_EQ(error(R"({"default": "other", "main": {"protocol": "file", "location": "/x"}})"),
            "cfg.json: stores.default names 'other', which is not configured (stores: main)");
  const auto settings = dj::StoreSettings::from_json(
      nlohmann::json::parse(R"({"main": {"protocol": "file", "location": "/x"}})"), "cfg.json");
  EXPECT_EQ(error_of([&] { settings.spec("raw"); }),
            "store 'raw' is not configured (stores: main) in cfg.json");
}

TEST(StoreSettings, KeysNoClientActsOnAreWarnedAbout) {
  fmtest::LogCapture log;
  dj::StoreSettings::from_json(
      nlohmann::json::parse(R"({"cloud": {"protocol": "s3", "endpoint": "e", "bucket": "b",
                                           "location": "", "proxy_server": "p:3128"}})"),
      "cfg.json");
  EXPECT_NE(log.text().find("warning: cfg.json: store 'cloud': proxy_server is not used"),
            std::string::npos)
      << log.text();
}

TEST(StoreSettings, TheEnvironmentReplacesTheFile) {
  const dj::ConfigLocations locations{"fmpipe-store-test", "FMPIPE_STORE_TEST_CONFIG", "", "",
                                      "FMPIPE_STORE_TEST_STORES"};
  ::setenv("FMPIPE_STORE_TEST_CONFIG", "/nonexistent/config.json", 1);
  ::setenv("FMPIPE_STORE_TEST_STORES",
           R"({"default": "env", "env": {"protocol": "file", "location": "/env"}})", 1);
  EXPECT_EQ(dj::read_store_settings(locations).spec().location, "/env");
  ::setenv("FMPIPE_STORE_TEST_STORES", "{not json", 1);
  EXPECT_NE(error_of([&] { dj::read_store_settings(locations); })
                .find("$FMPIPE_STORE_TEST_STORES is not valid JSON"),
            std::string::npos);
  ::unsetenv("FMPIPE_STORE_TEST_STORES");
  EXPECT_TRUE(dj::read_store_settings(locations).empty());
}

// The behaviour every protocol shares, on a store that starts empty.
void check_objects(dj::Storage& store) {
  const std::string hash = dj::content_hash("hello");
  const std::string hashed = "_hash/fm_schema/" + hash;
  const std::string keyed = "_schema/fm_schema/__facial_signal/subject=JAX 0117/session_datetime=2024-01-02T03-04-05/motion_aBcD-_12.npy";
  EXPECT_FALSE(store.exists(hashed));
  store.put(hashed, "hello");
  store.put(keyed, std::string(100000, '\x01'));
  EXPECT_TRUE(store.exists(hashed));
  EXPECT_EQ(store.get(hashed), "hello");
  EXPECT_EQ(store.get(keyed), std::string(100000, '\x01'));
  store.put(hashed, "hello");  // writing it again changes nothing
  EXPECT_EQ(store.get(hashed), "hello");

  auto listed = store.list("_hash");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].path, hashed);
  EXPECT_EQ(listed[0].size, 5u);
  EXPECT_EQ(store.list("").size(), 2u);
  EXPECT_TRUE(store.list("_nothing").empty());

  store.remove(keyed);
  EXPECT_FALSE(store.exists(keyed));
  store.remove(keyed);  // already gone: not an error
  const std::string missing = error_of([&] { store.get(keyed); });
  EXPECT_NE(missing.find(store.spec().describe() + ": object '" + keyed + "'"), std::string::npos)
      << missing;
}

class FileStore : public ::testing::Test {
 protected:
  void SetUp() override {
    folder = fs::temp_directory_path() / ("fmpipe-file-store-" + std::to_string(getpid()));
    fs::remove_all(folder);
    fs::create_directories(folder);
    spec.name = "main";
    spec.protocol = "file";
    spec.location = folder.string();
  }
  void TearDown() override { fs::remove_all(folder); }
  fs::path folder;
  dj::StoreSpec spec;
};

TEST_F(FileStore, ObjectsAreFilesUnderTheLocation) {
  auto store = dj::open_storage(spec);
  check_objects(*store);
  EXPECT_TRUE(fs::exists(folder / "_hash/fm_schema" / dj::content_hash("hello")));
}

TEST_F(FileStore, AMissingFolderIsNamed) {
  spec.location = (folder / "absent").string();
  EXPECT_EQ(error_of([&] { dj::open_storage(spec); }),
            "store 'main' (file " + spec.location + "): the folder " + spec.location +
                " does not exist or cannot be reached");
}

// Eight threads write the same object at once: each writes its own temporary file and renames
// it, so the object is always one writer's whole bytes and no temporary file stays behind.
TEST_F(FileStore, ConcurrentWritersOfOneObjectLeaveItWhole) {
  auto store = dj::open_storage(spec);
  const std::string bytes(4 << 20, 'z');
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) writers.emplace_back([&] { store->put("_hash/s/object", bytes); });
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(store->get("_hash/s/object"), bytes);
  EXPECT_EQ(store->list("_hash").size(), 1u);
}

// A store that fills up (here: a file size limit in a child process) gives an error naming the
// store and the object, and leaves neither the object nor a temporary file.
TEST_F(FileStore, AFullStoreIsAnErrorAndLeavesNothing) {
  auto child = fmtest::ChildProcess::fork([&] {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{1 << 20, 1 << 20};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    auto store = dj::open_storage(spec);
    const std::string message = error_of([&] { store->put("_schema/s/t/big.npy", std::string(4 << 20, 'x')); });
    const bool named = message.find("store 'main'") != std::string::npos &&
                       message.find("object '_schema/s/t/big.npy' cannot be written") != std::string::npos &&
                       message.find("File too large") != std::string::npos;
    return named ? 0 : 1;
  });
  EXPECT_EQ(child.wait(60s).code, 0);
  EXPECT_TRUE(dj::open_storage(spec)->list("").empty());
}

class S3Store : public ::testing::Test {
 protected:
  dj::StoreSpec spec_for(const fmtest::S3Server& server) const {
    dj::StoreSpec spec;
    spec.name = "cloud";
    spec.protocol = "s3";
    spec.endpoint = server.endpoint();
    spec.bucket = fmtest::S3Server::kBucket;
    spec.location = "lab/pipeline";
    spec.access_key = fmtest::S3Server::kAccessKey;
    spec.secret_key = fmtest::S3Server::kSecretKey;
    spec.secure = false;
    return spec;
  }
};

TEST_F(S3Store, ObjectsAreSignedRequestsToTheBucket) {
  FMPIPE_START_S3_SERVER(server);
  auto store = dj::open_storage(spec_for(*server));
  check_objects(*store);
}

TEST_F(S3Store, ListingFollowsContinuationTokens) {
  FMPIPE_START_S3_SERVER(server);
  auto store = dj::open_storage(spec_for(*server));
  for (int i = 0; i < 1005; ++i) store->put("_hash/s/" + std::to_string(i), "x");
  EXPECT_EQ(store->list("_hash").size(), 1005u);
}

TEST_F(S3Store, WrongCredentialsAndAStoreThatIsGoneAreNamed) {
  FMPIPE_START_S3_SERVER(server);
  // s3rver checks the access key (not a version 4 signature, which it leaves unverified).
  dj::StoreSpec spec = spec_for(*server);
  spec.access_key = "NOT-A-LAB-KEY";
  spec.secret_key = "not-the-secret";
  const std::string refused = error_of([&] { dj::open_storage(spec)->put("_hash/s/a", "a"); });
  EXPECT_EQ(refused, "store 'cloud' (s3 http://" + server->endpoint() +
                         "/fmpipe-test/lab/pipeline): object '_hash/s/a' cannot be written: HTTP "
                         "403 InvalidAccessKeyId");
  EXPECT_EQ(refused.find("not-the-secret"), std::string::npos) << refused;

  server->stop();
  const std::string gone = error_of([&] { dj::open_storage(spec_for(*server))->get("_hash/s/a"); });
  EXPECT_NE(gone.find("store 'cloud' (s3 http://" + server->endpoint() + "/fmpipe-test/lab/pipeline) cannot be reached"),
            std::string::npos)
      << gone;
}

}  // namespace
