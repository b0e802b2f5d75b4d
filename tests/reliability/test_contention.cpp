// Contention: 8 worker processes on one job queue of 200 small keys (5000 in the long variant).
// Every key is computed exactly once (each make() call is logged outside its transaction, so a
// computation that was rolled back would show too), nobody deadlocks (all finish within a
// deadline), and the throughput is printed as a figure.

#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <gtest/gtest.h>

#include "dj/populate.hpp"
#include "support/child_process.hpp"
#include "support/long_tests.hpp"
#include "support/test_database.hpp"

namespace {

using namespace std::chrono_literals;

constexpr int kWorkers = 8;

/// Result.worker = the pid of the process that made it, after a few milliseconds of "work".
/// Every call is logged in make_log through a second session, outside make's transaction.
class Sleeper : public dj::AutoPopulate {
 public:
  Sleeper(dj::Table target, dj::Connection& log) : AutoPopulate(std::move(target)), log_(log) {}
  void make(const dj::Row& key, dj::MakeInserter& out) override {
    pqxx::nontransaction(log_.native())
        .exec_params("INSERT INTO \"" + target().schema_name() + "\".make_log VALUES ($1, $2)",
                     key.get<int>("item"), getpid());
    std::this_thread::sleep_for(5ms);
    out.insert1(target(), {{"item", key.get<int>("item")}, {"worker", static_cast<int>(getpid())}});
  }

 private:
  dj::Connection& log_;
};

class Contention : public fmtest::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    schema = std::make_unique<dj::Schema>(make_schema("contention"));
    schema->declare("Item", dj::Tier::manual, "item : int");
    schema->declare("Result", dj::Tier::computed, "-> Item\n---\nworker : int");
    pqxx::nontransaction(connection->native())
        .exec("CREATE TABLE \"" + schema->name() + "\".make_log (item int, pid int)");
  }

  /// A worker process with sessions of its own. It tells `ready` when connected, then waits for
  /// a byte on `go`, so that all workers start on the queue together (otherwise the first ones
  /// can finish every key before the last ones have connected).
  fmtest::ChildProcess start_worker(int ready, int go) {
    const std::string name = schema->name();
    return fmtest::ChildProcess::fork([name, ready, go] {
      dj::Connection session(fmtest::database_url()), log(fmtest::database_url());
      dj::Schema opened(session, name, false);
      Sleeper sleeper(opened.table("Result"), log);
      char byte = 1;
      if (write(ready, &byte, 1) != 1 || read(go, &byte, 1) != 1) return 4;
      dj::WorkerOptions options;
      options.poll_interval = 50ms;
      const auto result = dj::run_worker({&sleeper}, options);
      return result.errors == 0 && !result.stopped ? 0 : 3;
    });
  }

  /// Runs kWorkers workers over `keys` keys and checks that each was made exactly once.
  void run(int keys, std::chrono::seconds deadline) {
    std::vector<dj::Row> items;
    for (int i = 0; i < keys; ++i) items.push_back({{"item", i}});
    schema->table("Item").insert(items);
    int ready[2], go[2];
    ASSERT_EQ(pipe(ready), 0);
    ASSERT_EQ(pipe(go), 0);
    std::vector<fmtest::ChildProcess> workers;
    for (int w = 0; w < kWorkers; ++w) workers.push_back(start_worker(ready[1], go[0]));
    char byte = 0;
    for (int w = 0; w < kWorkers; ++w) {
      pollfd readiness{ready[0], POLLIN, 0};
      ASSERT_EQ(poll(&readiness, 1, 60'000), 1) << "a worker did not connect within 60 s";
      ASSERT_EQ(read(ready[0], &byte, 1), 1);
    }
    const auto started = std::chrono::steady_clock::now();
    const std::string go_bytes(kWorkers, 'g');
    ASSERT_EQ(write(go[1], go_bytes.data(), go_bytes.size()), kWorkers);
    for (int fd : {ready[0], ready[1], go[0], go[1]}) close(fd);
    for (auto& worker : workers) {
      const auto exit = worker.wait(deadline);
      EXPECT_FALSE(exit.timed_out)
          << "a worker was still running after " << deadline.count() << " s: a deadlock or stall";
      EXPECT_EQ(exit.code, 0);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    const std::string log = "\"" + schema->name() + "\".make_log";
    EXPECT_EQ(schema->table("Result").count(), keys);
    EXPECT_EQ(scalar("SELECT count(*) FROM " + log), keys);
    EXPECT_EQ(scalar("SELECT count(DISTINCT item) FROM " + log), keys);
    EXPECT_EQ(scalar("SELECT count(*) FROM (SELECT item FROM " + log +
                     " GROUP BY item HAVING count(*) > 1) AS twice"),
              0);
    // Each row was made by the process that logged it, and the work was shared.
    EXPECT_EQ(scalar("SELECT count(*) FROM \"" + schema->name() + "\".__result r JOIN " + log +
                     " l ON l.item = r.item AND l.pid = r.worker"),
              keys);
    EXPECT_GE(scalar("SELECT count(DISTINCT pid) FROM " + log), 4);
    Sleeper reader(schema->table("Result"), *connection);
    for (const auto& job : reader.jobs().list())
      ADD_FAILURE() << "left: " << job.key.to_display() << " " << dj::to_string(job.status)
                    << " pid " << job.pid;
    std::printf("figure contention_throughput_%d_keys %.1f keys/s\n", keys, keys / seconds);
    std::printf("figure contention_workers_that_made_keys %lld of %d\n",
                scalar("SELECT count(DISTINCT pid) FROM " + log), kWorkers);
  }

  long long scalar(const std::string& sql) {
    return pqxx::nontransaction(connection->native()).exec(sql)[0][0].as<long long>();
  }

  std::unique_ptr<dj::Schema> schema;
};

}  // namespace

TEST_F(Contention, EightWorkersComputeTwoHundredKeysExactlyOnce) {
  run(200, 60s);
}

TEST_F(Contention, EightWorkersComputeFiveThousandKeysExactlyOnce) {
  if (!fmtest::long_tests_enabled()) GTEST_SKIP() << fmtest::long_test_hint("FiveThousandKeys");
  run(5000, 600s);
}
