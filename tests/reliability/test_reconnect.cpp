// Lost connections, on the shared test server: a session ended by the server is not reopened
// behind the caller's back, reconnect() reopens it with exponential backoff, and a worker whose
// session dies in the middle of a make reconnects, records no error, and finishes the key.
// (A whole server restart, and giving up, are in test_server_restart.cpp.)

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "dj/populate.hpp"
#include "support/log_capture.hpp"
#include "support/test_database.hpp"

namespace {

using namespace std::chrono_literals;

/// Ends another session, as an administrator (or a server shutting down) does.
void terminate_session(dj::Connection& admin, int backend_pid) {
  pqxx::nontransaction(admin.native())
      .exec("SELECT pg_terminate_backend(" + std::to_string(backend_pid) + ")");
}

long long select_one(dj::Connection& connection) {
  long long value = 0;
  connection.read([&](pqxx::transaction_base& tx) { value = tx.exec("SELECT 1")[0][0].as<int>(); });
  return value;
}

/// Result = Item; each make() call is counted in make_log through a session of its own (so
/// calls whose transaction rolled back count too). The make of item `victim` tells the test
/// its session, then waits until the test has ended that session, then goes on with it.
class Interrupted : public dj::AutoPopulate {
 public:
  Interrupted(dj::Table target, dj::Connection& log, int victim)
      : AutoPopulate(std::move(target)), log_(log), victim_(victim) {}
  void make(const dj::Row& key, dj::MakeInserter& out) override {
    const int item = key.get<int>("item");
    pqxx::nontransaction(log_.native())
        .exec_params("INSERT INTO \"" + target().schema_name() + "\".make_log VALUES ($1)", item);
    if (item == victim_ && !session_ended) {
      session_in_make = target().connection().backend_pid();
      while (!session_ended) std::this_thread::sleep_for(5ms);
    }
    out.insert1(target(), {{"item", item}});
  }
  std::atomic<int> session_in_make{0};
  std::atomic<bool> session_ended{false};

 private:
  dj::Connection& log_;
  int victim_;
};

class Reconnect : public fmtest::DatabaseTest {};

}  // namespace

TEST(ReconnectPolicy, WaitsDoubleUpToTheCeiling) {
  dj::ReconnectPolicy policy;
  policy.first_delay = 100ms;
  policy.max_delay = 1000ms;
  std::vector<long long> waits;
  for (int attempt = 0; attempt < 6; ++attempt) waits.push_back(policy.delay(attempt).count());
  EXPECT_EQ(waits, (std::vector<long long>{100, 200, 400, 800, 1000, 1000}));
  EXPECT_EQ(policy.delay(100000).count(), 1000);  // no overflow however long it lasts
}

TEST_F(Reconnect, ALostSessionIsReopenedOnlyByReconnect) {
  dj::Connection session(fmtest::database_url());
  const int first_backend = session.backend_pid();
  terminate_session(*connection, first_backend);
  EXPECT_THROW(select_one(session), pqxx::broken_connection);
  EXPECT_FALSE(session.is_open());
  // libpqxx 6 would reopen it silently at the next statement, losing the session's locks.
  EXPECT_THROW(select_one(session), pqxx::broken_connection);

  fmtest::LogCapture log;
  ASSERT_TRUE(session.reconnect());
  EXPECT_TRUE(session.is_open());
  EXPECT_NE(session.backend_pid(), first_backend);
  EXPECT_EQ(select_one(session), 1);
  EXPECT_NE(log.text().find("info: reconnected to " + session.target() + " after 1 attempt(s)"),
            std::string::npos)
      << log.text();
}

TEST_F(Reconnect, NotInsideATransaction) {
  dj::Connection::Transaction transaction(*connection);
  EXPECT_THROW(connection->reconnect(), std::logic_error);
}

TEST_F(Reconnect, AWorkerWhoseSessionEndsMidMakeReconnectsAndFinishesTheKey) {
  dj::Schema schema = make_schema("reconnect");
  schema.declare("Item", dj::Tier::manual, "item : int");
  schema.declare("Result", dj::Tier::computed, "-> Item");
  pqxx::nontransaction(connection->native())
      .exec("CREATE TABLE \"" + schema.name() + "\".make_log (item int)");
  std::vector<dj::Row> items;
  for (int i = 0; i < 6; ++i) items.push_back({{"item", i}});
  schema.table("Item").insert(items);

  dj::Connection worker_session(fmtest::database_url()), log_session(fmtest::database_url());
  Interrupted maker(dj::Table(worker_session, schema.name(), "__result"), log_session, 3);
  fmtest::LogCapture log;
  dj::WorkerResult result;
  std::thread worker([&] {
    dj::WorkerOptions options;
    options.poll_interval = 20ms;
    options.reconnect.first_delay = 20ms;
    result = dj::run_worker({&maker}, options);
  });
  while (maker.session_in_make == 0) std::this_thread::sleep_for(5ms);
  terminate_session(*connection, maker.session_in_make);
  maker.session_ended = true;
  worker.join();

  EXPECT_EQ(result.reconnections, 1);
  EXPECT_EQ(result.errors, 0);  // a lost connection is not the key's error
  EXPECT_EQ(result.made, 6);
  EXPECT_EQ(schema.table("Result").count(), 6);
  EXPECT_TRUE(maker.jobs().list().empty());  // not left "reserved", not marked "error"
  const auto calls = pqxx::nontransaction(connection->native())
                         .exec("SELECT item, count(*) FROM \"" + schema.name() +
                               "\".make_log GROUP BY item HAVING count(*) > 1");
  ASSERT_EQ(calls.size(), 1u);  // item 3 was made twice: once rolled back, once committed
  EXPECT_EQ(calls[0][0].as<int>(), 3);
  EXPECT_EQ(calls[0][1].as<int>(), 2);
  const std::string lines = log.text();
  EXPECT_NE(lines.find("warning: Result: {item: 3} interrupted in make: the connection to the "
                       "server was lost"),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find("warning: worker " + std::to_string(getpid()) + ": lost the connection to " +
                       worker_session.target()),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find("info: reconnected to "), std::string::npos) << lines;
}
