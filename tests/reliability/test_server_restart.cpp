// The database server restarted under running workers. A private embedded server (the shared
// test server serves other tests at the same time) is stopped and started again while two
// fmpipe workers process recordings: the workers reconnect with backoff, the makes that were
// interrupted are redone, nothing is marked as an error or left reserved, and everything is
// finished. Also: reconnecting gives up after its time limit, and never shows a password.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <numeric>
#include <regex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "dj/embedded_server.hpp"
#include "support/child_process.hpp"
#include "support/log_capture.hpp"
#include "support/synthetic_recordings.hpp"

namespace fs = std::filesystem;

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kRecordings = 6;

class ServerRestart : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dj::EmbeddedServerOptions options;
    options.data_dir = fs::temp_directory_path() / ("fmpipe-restart-" + std::to_string(getpid()));
    options.throwaway = true;
    server = new dj::EmbeddedServer(options);
  }
  static void TearDownTestSuite() {
    server->remove();
    delete server;
    server = nullptr;
  }
  void SetUp() override { url = server->start(); }

  static dj::EmbeddedServer* server;
  std::string url;
};
dj::EmbeddedServer* ServerRestart::server = nullptr;

/// The longest "<x> s without a connection" that the reconnection lines in `log` report.
double longest_outage(const std::string& log) {
  static const std::regex line(R"(reconnected to .* after \d+ attempt\(s\), ([0-9.]+) s without)");
  double longest = 0;
  for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) {
    longest = std::max(longest, std::stod((*it)[1].str()));
  }
  return longest;
}

}  // namespace

TEST_F(ServerRestart, WorkersReconnectAndFinishEverything) {
  dj::Connection connection(url);
  fmtest::SyntheticRecordings recordings(connection, url, "restart_");
  facemap::SynthParams synth;
  synth.height = 96;
  synth.width = 96;
  synth.nframes = 900;
  for (int r = 0; r < kRecordings; ++r) {
    synth.seed = static_cast<std::uint64_t>(r + 1);
    recordings.add(r, synth);
  }
  std::vector<fmtest::ChildProcess> workers;
  for (int w = 0; w < 2; ++w)
    workers.push_back(fmtest::ChildProcess::fmpipe({"worker"}, recordings.environment()));

  // Restart once the workers are busy: some results in, some keys in hand.
  for (const auto deadline = Clock::now() + 40s;
       recordings.count(fmtest::kProcessing) < 2 && Clock::now() < deadline;) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_GE(recordings.count(fmtest::kProcessing), 2) << workers[0].output();
  const long long done_before = recordings.count(fmtest::kFacialSignal);
  const auto stopped_at = Clock::now();
  server->stop();
  std::this_thread::sleep_for(2s);
  server->start();
  const double outage = std::chrono::duration<double>(Clock::now() - stopped_at).count();

  std::string logs;
  for (auto& worker : workers) {
    const auto exit = worker.wait(90s);
    EXPECT_FALSE(exit.timed_out);
    EXPECT_EQ(exit.code, 0) << worker.output();
    EXPECT_NE(worker.output().find("0 errors, 1 reconnection(s)"), std::string::npos)
        << worker.output();
    logs += worker.output();
  }
  std::fputs(logs.c_str(), stderr);
  EXPECT_EQ(logs.find("error:"), std::string::npos) << logs;

  ASSERT_TRUE(connection.reconnect());  // the test's own session died in the restart too
  EXPECT_LT(done_before, kRecordings);  // the restart came in the middle of the work
  for (const auto& table : {fmtest::kRecordingInfo, fmtest::kProcessing, fmtest::kFacialSignal}) {
    EXPECT_EQ(recordings.count(table), kRecordings) << table;
    EXPECT_TRUE(recordings.jobs(table).list().empty()) << table << ": no error, none reserved";
  }
  // Every part table holds each recording's rows once: the redone makes left nothing out.
  EXPECT_EQ(recordings.facial_signal_counts(), fmtest::facial_signal_rows(kRecordings, 10));
  std::printf("figure server_restart_outage %.1f s\n", outage);
  std::printf("figure server_restart_reconnect_longest %.1f s\n", longest_outage(logs));
}

TEST_F(ServerRestart, ReconnectingGivesUpInTimeAndShowsNoPassword) {
  // Local "trust" authentication ignores the password, so the URL may carry one.
  const std::string with_password = std::regex_replace(url, std::regex("postgresql://postgres@"),
                                                       "postgresql://postgres:s3cret@");
  ASSERT_NE(with_password, url);
  dj::Connection connection(with_password);
  server->stop();
  EXPECT_THROW(connection.read([](pqxx::transaction_base& tx) { tx.exec("SELECT 1"); }),
               pqxx::broken_connection);

  dj::ReconnectPolicy policy;
  policy.first_delay = 50ms;
  policy.max_delay = 200ms;
  policy.give_up_after = 1s;
  fmtest::LogCapture log;
  int attempts = 0;
  double gave_up_after_seconds = 0;
  try {
    connection.reconnect(policy);
    ADD_FAILURE() << "reconnected to a stopped server";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    std::smatch gave_up;
    ASSERT_TRUE(std::regex_search(
        message, gave_up,
        std::regex(R"(gave up reconnecting after (\d+) attempts in ([0-9.]+) s)")))
        << message;
    attempts = std::stoi(gave_up[1].str());
    gave_up_after_seconds = std::stod(gave_up[2].str());
    EXPECT_NE(message.find(connection.target()), std::string::npos) << message;
    EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
  }
  // What the log says of the attempts, not a clock of the test's: each failed attempt but the
  // last announces its wait, and the waits double from first_delay up to max_delay (50, 100,
  // 200, 200... ms). The last attempt is the first made once give_up_after has passed: the one
  // before it came after less than give_up_after of waits, and the library's own count of the
  // time at the last (in its message) has reached give_up_after.
  const std::string lines = log.text();
  static const std::regex failed(
      R"(warning: reconnecting: attempt (\d+) failed: cannot connect to PostgreSQL[^\n]*; next attempt in (\d+) ms)");
  std::vector<long long> waits;
  for (std::sregex_iterator it(lines.begin(), lines.end(), failed), end; it != end; ++it) {
    EXPECT_EQ(std::stoi((*it)[1].str()), static_cast<int>(waits.size()) + 1) << lines;
    waits.push_back(std::stoll((*it)[2].str()));
  }
  ASSERT_GE(waits.size(), 3u) << lines;
  EXPECT_EQ(attempts, static_cast<int>(waits.size()) + 1) << lines;
  for (std::size_t i = 0; i < waits.size(); ++i)
    EXPECT_EQ(waits[i], std::min<long long>(50LL << i, 200)) << "wait " << i << "\n" << lines;
  const long long before_the_next_to_last = std::accumulate(waits.begin(), waits.end() - 1, 0LL);
  EXPECT_LT(before_the_next_to_last, 1000) << lines;
  EXPECT_GE(gave_up_after_seconds, 1.0);
  std::printf("figure reconnect_give_up_attempts %d\n", attempts);
  EXPECT_EQ(lines.find("s3cret"), std::string::npos) << lines;
  EXPECT_EQ(connection.target().find("s3cret"), std::string::npos);
}
