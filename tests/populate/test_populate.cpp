// populate(): atomic make(), errors, options, three-phase make, and the job queue shared by
// several worker processes (including workers killed with SIGKILL or stopped with SIGTERM).

#include "dj/computation.hpp"
#include "dj/populate.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "support/test_database.hpp"

namespace {

/// Result = 2 x Source.value, with one Detail part row per key. Behaviour is steered by the
/// source row: value < 0 throws after inserting the master and its part; value == 777 sleeps
/// (checking for stop requests) so that a worker can be killed or stopped in the middle of a make.
class Doubler : public dj::AutoPopulate {
 public:
  using AutoPopulate::AutoPopulate;
  void make(const dj::Row& key, dj::MakeInserter& out) override {
    const auto schema = target().schema_name();
    const double value =
        (dj::Table(target().connection(), schema, "source") & key).fetch1().get<double>("value");
    if (value == 777) {
      for (int i = 0; i < 300; ++i) {
        dj::check_stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    out.insert1(target(), {{"item", key.get<int>("item")}, {"doubled", 2 * value}});
    out.insert1(dj::Table(target().connection(), schema, "__result__detail"),
                {{"item", key.get<int>("item")}, {"idx", 0}, {"v", value}});
    if (value < 0) throw std::runtime_error("negative value " + std::to_string(value));
    target().connection().run([&](pqxx::transaction_base& tx) {
      tx.exec_params("INSERT INTO \"" + schema + "\".make_log VALUES ($1, $2)",
                     key.get<int>("item"), getpid());
    });
  }
};

class PopulateTest : public fmtest::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    schema = std::make_unique<dj::Schema>(make_schema("dj_populate"));
    schema->declare("Source", dj::Tier::manual, "item : int\n---\nvalue : double");
    schema->declare("Result", dj::Tier::computed, "-> Source\n---\ndoubled : double");
    schema->declare_part("Result", "Detail", "-> master\nidx : int\n---\nv : double");
    pqxx::nontransaction(connection->native())
        .exec("CREATE TABLE \"" + schema->name() + "\".make_log (item int, pid int)");
  }
  void add_sources(int n, double value = 1.5) {
    std::vector<dj::Row> rows;
    for (int i = 0; i < n; ++i) rows.push_back({{"item", i}, {"value", value + i}});
    schema->table("Source").insert(rows);
  }
  long long log_count(const std::string& condition = "true") {
    pqxx::nontransaction work(connection->native());
    return work
        .exec("SELECT count(*) FROM \"" + schema->name() + "\".make_log WHERE " + condition)[0][0]
        .as<long long>();
  }
  /// Runs a worker in a child process with its own connection; returns its pid.
  pid_t spawn_worker() {
    const std::string name = schema->name();
    const pid_t pid = fork();
    if (pid == 0) {
      int code = 0;
      try {
        dj::Connection own(fmtest::database_url());
        dj::Schema opened(own, name, false);
        Doubler doubler(opened.table("Result"));
        dj::WorkerOptions options;
        options.poll_interval = std::chrono::milliseconds(100);
        const auto result = dj::run_worker({&doubler}, options);
        code = result.stopped ? 3 : 0;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "worker failed: %s\n", e.what());
        code = 2;
      }
      _exit(code);  // no destructors: the parent's inherited connection must stay untouched
    }
    return pid;
  }
  int wait_for(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  /// Waits until the job of `item` is reserved (by a worker); false after 20 s.
  bool wait_until_reserved(Doubler& doubler, int item) {
    for (int i = 0; i < 200; ++i) {
      for (const auto& job : doubler.jobs().list(dj::JobStatus::reserved)) {
        if (job.key.get<int>("item") == item) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  std::unique_ptr<dj::Schema> schema;
};

}  // namespace

TEST_F(PopulateTest, ComputesEveryMissingKeyOnce) {
  add_sources(5);
  Doubler doubler(schema->table("Result"));
  EXPECT_EQ(doubler.key_source().count(), 5);
  const auto first = doubler.populate();
  EXPECT_EQ(first.made, 5);
  EXPECT_EQ(doubler.populate().made, 0);
  EXPECT_EQ(schema->table("Result.Detail").count(), 5);
  EXPECT_DOUBLE_EQ((schema->table("Result") & dj::Row{{"item", 3}}).fetch1().get<double>("doubled"),
                   9.0);
  add_sources(0);
  schema->table("Source").insert1({{"item", 10}, {"value", 0.25}});
  EXPECT_EQ(doubler.populate().made, 1);
}

TEST_F(PopulateTest, AFailingMakeLeavesNothingAndOthersGoOn) {
  add_sources(4);
  schema->table("Source").insert1({{"item", 2000}, {"value", -1.0}});
  Doubler doubler(schema->table("Result"));
  EXPECT_THROW(doubler.populate(), std::runtime_error);
  dj::PopulateOptions options;
  options.suppress_errors = true;
  const auto result = doubler.populate(options);
  EXPECT_EQ(schema->table("Result").count(), 4);
  // The failing key inserted its master and part rows before throwing: both were rolled back.
  EXPECT_EQ((schema->table("Result.Detail") & dj::Row{{"item", 2000}}).count(), 0);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].first.get<int>("item"), 2000);
  EXPECT_EQ(result.errors[0].second, "std::runtime_error: negative value -1.000000");
  const auto errors = doubler.jobs().list(dj::JobStatus::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].error_message, "std::runtime_error: negative value -1.000000");
  EXPECT_NE(errors[0].error_stack.find("table: Result\nkey: {item: 2000}\nphase: make\n"),
            std::string::npos)
      << errors[0].error_stack;
  EXPECT_EQ(errors[0].pid, getpid());
  // Errors are skipped by reserved populate until reset.
  dj::PopulateOptions reserved = options;
  reserved.reserve_jobs = true;
  EXPECT_EQ(doubler.populate(reserved).errors.size(), 0u);
  (schema->table("Source") & dj::Row{{"item", 2000}}).delete_rows();
  schema->table("Source").insert1({{"item", 2000}, {"value", 5.0}});
  EXPECT_EQ(doubler.jobs().reset_errors(), 1);
  EXPECT_EQ(doubler.populate(reserved).made, 1);
  EXPECT_TRUE(doubler.jobs().list().empty());  // done jobs are deleted, as DataJoint does
}

TEST_F(PopulateTest, RestrictionsMaxCallsOrderAndIgnore) {
  add_sources(10);
  Doubler doubler(schema->table("Result"));
  dj::PopulateOptions options;
  options.restrictions = {"item < 6"};
  options.max_calls = 2;
  options.order = dj::PopulateOrder::reverse;
  EXPECT_EQ(doubler.populate(options).made, 2);
  std::vector<int> made;
  for (const auto& row : schema->table("Result").fetch()) made.push_back(row.get<int>("item"));
  EXPECT_EQ(made, (std::vector<int>{4, 5}));
  doubler.jobs().ignore({{{"item", 0}}});
  dj::PopulateOptions reserved;
  reserved.reserve_jobs = true;
  reserved.order = dj::PopulateOrder::random;
  EXPECT_EQ(doubler.populate(reserved).made, 7);
  EXPECT_FALSE((schema->table("Result") & dj::Row{{"item", 0}}).exists());
  const auto progress = doubler.progress();
  EXPECT_EQ(progress.total, 10);
  EXPECT_EQ(progress.done, 9);
  EXPECT_EQ(progress.ignored, 1);
}

TEST_F(PopulateTest, ThreePhaseMakeChecksItsInputs) {
  struct Inputs {
    int item;
    double value;
    std::string schema;  // where another program changes the input while item 1 is computed
    bool operator==(const Inputs&) const = default;
  };
  struct Slow : dj::Computation<Slow, Inputs, double> {
    using Computation::Computation;
    Inputs fetch(const dj::Row& key) {
      const dj::Table source(target().connection(), target().schema_name(), "source");
      return {key.get<int>("item"), (source & key).fetch1().get<double>("value"),
              target().schema_name()};
    }
    static double compute(const Inputs& inputs) {
      if (inputs.item == 1) {
        dj::Connection other(fmtest::database_url());
        dj::Table(other, inputs.schema, "source").update1({{"item", 1}, {"value", 100.0}});
      }
      return inputs.value * 2;
    }
    void insert(const dj::Row& key, const double& doubled, dj::MakeInserter& out) {
      out.insert1(target(), {{"item", key.get<int>("item")}, {"doubled", doubled}});
    }
  };
  add_sources(3);
  Slow slow(schema->table("Result"));
  dj::PopulateOptions options;
  options.suppress_errors = true;
  const auto result = slow.populate(options);
  EXPECT_EQ(result.made, 2);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(
      result.errors[0].second.find("the inputs of {item: 1} changed while they were computed"),
      std::string::npos);
  EXPECT_NE(slow.jobs().list(dj::JobStatus::error)[0].error_stack.find("phase: make_fetch (check)"),
            std::string::npos);
}

TEST_F(PopulateTest, ReservationsAreExclusive) {
  add_sources(2);
  Doubler doubler(schema->table("Result"));
  doubler.jobs().refresh(doubler.pending_keys().fetch_keys());
  EXPECT_TRUE(doubler.jobs().reserve({{"item", 0}}));
  dj::Connection other_connection(fmtest::database_url());
  Doubler other(dj::Table(other_connection, schema->name(), "__result"));
  EXPECT_FALSE(other.jobs().reserve({{"item", 0}}));
  const auto next = other.jobs().reserve_next();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->get<int>("item"), 1);
  EXPECT_FALSE(other.jobs().reserve_next().has_value());
  // A live holder's reservation is not an orphan.
  EXPECT_EQ(other.jobs().refresh({}), 0);
  const auto reserved = doubler.jobs().list(dj::JobStatus::reserved);
  ASSERT_EQ(reserved.size(), 2u);
  EXPECT_EQ(reserved[0].connection_id, connection->backend_pid());
}

TEST_F(PopulateTest, FourWorkersComputeFortyKeysExactlyOnce) {
  add_sources(40);
  std::vector<pid_t> workers;
  for (int i = 0; i < 4; ++i) workers.push_back(spawn_worker());
  for (pid_t pid : workers) EXPECT_EQ(wait_for(pid), 0);
  EXPECT_EQ(schema->table("Result").count(), 40);
  EXPECT_EQ(log_count(), 40);
  pqxx::nontransaction work(connection->native());
  EXPECT_EQ(work.exec("SELECT count(*) FROM (SELECT item FROM \"" + schema->name() +
                      "\".make_log GROUP BY item HAVING count(*) > 1) AS twice")[0][0]
                .as<int>(),
            0);
  EXPECT_GE(work.exec("SELECT count(DISTINCT pid) FROM \"" + schema->name() + "\".make_log")[0][0]
                .as<int>(),
            2);
}

TEST_F(PopulateTest, AKilledWorkersKeyIsTakenOverWithoutManualSteps) {
  add_sources(6);
  schema->table("Source").update1({{"item", 3}, {"value", 777.0}});
  Doubler doubler(schema->table("Result"));
  const pid_t victim = spawn_worker();
  ASSERT_TRUE(wait_until_reserved(doubler, 3));
  kill(victim, SIGKILL);
  EXPECT_EQ(wait_for(victim), 128 + SIGKILL);
  // The key stays "reserved" in the table, by the killed process, but its session is gone.
  const auto reserved = doubler.jobs().list(dj::JobStatus::reserved);
  ASSERT_EQ(reserved.size(), 1u);
  EXPECT_EQ(reserved[0].key.get<int>("item"), 3);
  EXPECT_EQ(reserved[0].pid, victim);
  EXPECT_EQ(schema->table("Result.Detail").count(), schema->table("Result").count());
  schema->table("Source").update1({{"item", 3}, {"value", 3.0}});
  const pid_t rescuer = spawn_worker();
  EXPECT_EQ(wait_for(rescuer), 0);
  // Every key once, with its one part row; key 3 from the rescuer's make (its new value).
  EXPECT_EQ(schema->table("Result").count(), 6);
  EXPECT_EQ(schema->table("Result.Detail").count(), 6);
  EXPECT_EQ((schema->table("Result.Detail") & dj::Row{{"item", 3}}).fetch1().get<double>("v"), 3.0);
  EXPECT_EQ(log_count("item = 3"), 1);
  EXPECT_TRUE(doubler.jobs().list().empty());
}

TEST_F(PopulateTest, SigtermReturnsTheKeyToPending) {
  add_sources(1);
  schema->table("Source").update1({{"item", 0}, {"value", 777.0}});
  Doubler doubler(schema->table("Result"));
  const pid_t worker = spawn_worker();
  ASSERT_TRUE(wait_until_reserved(doubler, 0));
  kill(worker, SIGTERM);
  EXPECT_EQ(wait_for(worker), 3);  // stopped cleanly
  const auto jobs = doubler.jobs().list();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].status, dj::JobStatus::pending);
  EXPECT_EQ(schema->table("Result").count(), 0);
  EXPECT_EQ(schema->table("Result.Detail").count(), 0);
}
