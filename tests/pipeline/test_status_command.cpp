// `fmpipe status` and `fmpipe jobs ignore`, run as the real binary: the to-do count is counted
// (never negative when error rows outlive their keys), reserved keys show who holds them and
// for how long, a reservation whose worker is gone is returned to pending with a log line,
// --watch prints again, and ignoring a key that does not exist is an error naming it.

#include <unistd.h>

#include <array>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "dj/jobs.hpp"
#include "dj/populate.hpp"
#include "pipeline/ingest.hpp"
#include "support/child_process.hpp"
#include "support/command.hpp"
#include "support/pipeline_test.hpp"

namespace {

constexpr const char* kInfo = "facial_behavior_estimation.RecordingInfo";

pipeline::RecordingEntry recording_entry(int id) {
  return {.subject = "m1",
          .sex = "M",
          .subject_birth_date = "2024-01-01",
          .session_datetime = "2024-05-06 07:08:09",
          .session_dir = "m1/s1",
          .recording_id = id,
          .files = {"m1/s1/face" + std::to_string(id) + ".avi"}};
}

std::string this_host() {
  std::array<char, 256> name{};
  gethostname(name.data(), name.size() - 1);
  return name.data();
}

/// The counts `fmpipe status` printed for `table`: total, done, to do, reserved, errors,
/// ignored, warned.
std::vector<long long> counts_of(const std::string& output, const std::string& table) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string name;
    fields >> name;
    if (name != table) continue;
    std::vector<long long> counts;
    for (long long n; fields >> n;) counts.push_back(n);
    return counts;
  }
  return {};
}

class StatusCommand : public fmtest::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    pipe = std::make_unique<pipeline::Pipeline>(*connection, prefix);
    for (int id = 0; id < 5; ++id) pipeline::ingest(*pipe, {recording_entry(id)});
  }

  dj::Row key(int id) const { return pipeline::recording_key(recording_entry(id)); }

  fmtest::CommandResult fmpipe(std::vector<std::string> args) const {
    args.insert(args.begin(), fmtest::fmpipe_binary().string());
    return fmtest::run_command(args, environment());
  }
  std::vector<std::string> environment() const {
    return {"DATABASE_URL=" + fmtest::database_url(), "FMPIPE_SCHEMA_PREFIX=" + prefix};
  }

  std::unique_ptr<pipeline::Pipeline> pipe;
};

TEST_F(StatusCommand, ToDoIsCountedAndNeverNegativeWhenErroredKeysAreDeleted) {
  dj::JobTable jobs(pipe->table(kInfo));
  for (int id = 2; id < 5; ++id) jobs.fail(key(id), "the video cannot be read", "");
  for (int id = 2; id < 5; ++id) {
    (pipe->table("facial_behavior_estimation.VideoRecording") & key(id)).delete_rows();
  }
  const auto status = fmpipe({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.output;
  // Two recordings left, none done, both to do; the three error rows are still listed.
  EXPECT_EQ(counts_of(status.output, kInfo), (std::vector<long long>{2, 0, 2, 0, 3, 0, 0}))
      << status.output;
}

TEST_F(StatusCommand, ReservedKeysShowTheirHolderAndStaleOnesArePendingAgain) {
  // A live reservation: this test's session holds key 0.
  dj::JobTable jobs(pipe->table(kInfo));
  jobs.refresh({key(0), key(1)});
  ASSERT_TRUE(jobs.reserve(key(0)));
  // A killed worker's reservation: key 1, by a session that has ended.
  long long gone_connection = 0;
  {
    dj::Connection worker(fmtest::database_url());
    pipeline::Pipeline worker_pipe(worker, prefix);
    dj::JobTable worker_jobs(worker_pipe.table(kInfo));
    ASSERT_TRUE(worker_jobs.reserve(key(1)));
    gone_connection = worker.backend_pid();
  }
  for (int wait = 0; wait < 100; ++wait) {
    const auto alive = fmtest::run_psql("SELECT count(*) FROM pg_stat_activity WHERE pid = " +
                                        std::to_string(gone_connection));
    if (alive.output == "0\n") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  const auto status = fmpipe({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("reserved: " + std::string(kInfo) + " " + key(0).to_display() +
                               " by " + this_host() + ":" + std::to_string(getpid()) + " for "),
            std::string::npos)
      << status.output;
  EXPECT_NE(
      status.output.find("the reservation of " + key(1).to_display() + " by " + this_host() + ":" +
                         std::to_string(getpid()) + " was stale (database connection " +
                         std::to_string(gone_connection) + " is gone); the key is pending again"),
      std::string::npos)
      << status.output;
  // Five recordings: one reserved, four to do (key 1 among them again).
  EXPECT_EQ(counts_of(status.output, kInfo), (std::vector<long long>{5, 0, 4, 1, 0, 0, 0}))
      << status.output;
  EXPECT_EQ(jobs.list(dj::JobStatus::reserved).size(), 1u);
  jobs.release(key(0));
}

TEST_F(StatusCommand, WatchPrintsTheStatusAgain) {
  auto watching = fmtest::ChildProcess::fmpipe({"status", "--watch", "0.2"}, environment());
  const auto times_shown = [&] {
    const std::string output = watching.output();
    size_t shown = 0;
    for (size_t at = output.find(kInfo); at != std::string::npos; at = output.find(kInfo, at + 1))
      ++shown;
    return shown;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (times_shown() < 2 && watching.running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(watching.running()) << watching.output();
  watching.signal(SIGTERM);
  watching.wait(std::chrono::seconds(10));
  const std::string output = watching.output();
  EXPECT_GE(times_shown(), 2u) << output;
  // Not a terminal: printed again, without the escape codes that clear a screen.
  EXPECT_EQ(output.find("\033[2J"), std::string::npos);

  const auto refused = fmpipe({"status", "--watch", "0"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("--watch: the interval must be above 0"), std::string::npos)
      << refused.output;
}

TEST_F(StatusCommand, IgnoringAKeyThatDoesNotExistIsAnErrorNamingIt) {
  const auto nobody = fmpipe({"jobs", "ignore", "--table", kInfo, "--key",
                              R"({"subject": "nobody", "session_datetime": "2024-05-06 07:08:09",
                                  "recording_id": 0})"});
  EXPECT_NE(nobody.exit_code, 0);
  EXPECT_NE(nobody.output.find("'nobody'"), std::string::npos) << nobody.output;
  EXPECT_NE(nobody.output.find(std::string(kInfo) + " has no such key"), std::string::npos)
      << nobody.output;
  const auto partial =
      fmpipe({"jobs", "ignore", "--table", kInfo, "--key", R"({"subject": "m1"})"});
  EXPECT_NE(partial.exit_code, 0);
  EXPECT_NE(partial.output.find("lacks session_datetime, recording_id"), std::string::npos)
      << partial.output;
  EXPECT_EQ(dj::JobTable(pipe->table(kInfo)).list().size(), 0u);

  const auto ignored = fmpipe({"jobs", "ignore", "--table", kInfo, "--key",
                               R"({"subject": "m1", "session_datetime": "2024-05-06 07:08:09",
                                   "recording_id": 3})"});
  ASSERT_EQ(ignored.exit_code, 0) << ignored.output;
  const auto jobs = dj::JobTable(pipe->table(kInfo)).list();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].status, dj::JobStatus::ignore);
  EXPECT_EQ(jobs[0].key.get<int>("recording_id"), 3);
}

}  // namespace
