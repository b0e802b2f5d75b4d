// A worker process (the real fmpipe binary) killed with SIGKILL in the middle of a make: in its
// computation, and inside the transaction that inserts a master row and its parts. Nothing
// partial is left, the job stays "reserved" by a session that no longer exists, and the next
// worker takes the key over by itself and finishes it.

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <gtest/gtest.h>

#include "dj/jobs.hpp"
#include "facemap/proc_file.hpp"
#include "support/child_process.hpp"
#include "support/synthetic_recordings.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class WorkerFaults : public fmtest::SyntheticPipelineTest {
 protected:
  /// The job of `table` once a process reserved it; fails the test after 30 s.
  dj::JobInfo wait_for_reservation(const std::string& table, pid_t by) {
    const dj::JobTable jobs = recordings->jobs(table);
    for (const auto deadline = Clock::now() + 30s; Clock::now() < deadline;) {
      for (const auto& job : jobs.list(dj::JobStatus::reserved)) {
        if (job.pid == by) return job;
      }
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "no job of " << table << " was reserved by process " << by;
    return {};
  }
};

/// Waits until the session `backend_pid` has written rows into a FacialSignal table inside an
/// open transaction (PostgreSQL assigns a transaction id at its first write); false after 60 s.
bool wait_until_inserting(dj::Connection& observer, long long backend_pid) {
  pqxx::nontransaction work(observer.native());
  const std::string query =
      "SELECT 1 FROM pg_stat_activity WHERE pid = " + std::to_string(backend_pid) +
      " AND backend_xid IS NOT NULL AND query ILIKE 'INSERT INTO%facial_signal%'";
  for (const auto deadline = Clock::now() + 60s; Clock::now() < deadline;) {
    if (!work.exec(query).empty()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

}  // namespace

TEST_F(WorkerFaults, KilledInItsComputationTheKeyIsFinishedByTheNextWorker) {
  facemap::SynthParams synth;
  synth.height = 128;
  synth.width = 128;
  synth.nframes = 3000;
  const dj::Row task = recordings->add(0, synth);
  recordings->populate(fmtest::kRecordingInfo);

  auto victim = fmtest::ChildProcess::fmpipe(
      {"populate", "FacemapProcessing", "FacialSignal", "--reserve"}, recordings->environment());
  const dj::JobInfo reserved = wait_for_reservation(fmtest::kProcessing, victim.pid());
  ASSERT_EQ(reserved.status, dj::JobStatus::reserved);
  std::this_thread::sleep_for(500ms);  // well into the SVD, which takes seconds
  ASSERT_TRUE(victim.running()) << victim.output();
  victim.signal(SIGKILL);
  const auto killed_at = Clock::now();
  EXPECT_EQ(victim.wait(10s).code, 128 + SIGKILL);

  // Nothing was inserted; the job still says "reserved", by a session that is gone.
  EXPECT_EQ(recordings->count(fmtest::kProcessing), 0);
  EXPECT_EQ(recordings->count(fmtest::kFacialSignal), 0);
  const auto stale = recordings->jobs(fmtest::kProcessing).list();
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].status, dj::JobStatus::reserved);
  EXPECT_EQ(stale[0].pid, victim.pid());

  auto rescuer = fmtest::ChildProcess::fmpipe({"worker"}, recordings->environment());
  wait_for_reservation(fmtest::kProcessing, rescuer.pid());
  const double kill_to_takeover = std::chrono::duration<double>(Clock::now() - killed_at).count();
  const auto finished = rescuer.wait(50s);
  const double kill_to_finish = std::chrono::duration<double>(Clock::now() - killed_at).count();
  ASSERT_EQ(finished.code, 0) << rescuer.output();
  EXPECT_NE(rescuer.output().find("worker: 2 made, 0 errors"), std::string::npos)
      << rescuer.output();
  EXPECT_EQ(recordings->count(fmtest::kProcessing), 1);
  EXPECT_EQ(recordings->count(fmtest::kFacialSignal), 1);
  EXPECT_EQ(recordings->count(fmtest::kFacialSignal + ".MotionSVD"), 10);
  EXPECT_TRUE(recordings->jobs(fmtest::kProcessing).list().empty());  // done jobs are deleted
  EXPECT_TRUE(recordings->jobs(fmtest::kFacialSignal).list().empty());
  std::printf("figure worker_kill_to_takeover %.2f s\n", kill_to_takeover);
  std::printf("figure worker_kill_to_finish %.1f s\n", kill_to_finish);
}

TEST_F(WorkerFaults, KilledInsideTheInsertTransactionLeavesNoPartialRows) {
  facemap::SynthParams synth;
  synth.height = 128;
  synth.width = 128;
  synth.nframes = 1500;
  // Many components: FacialSignal's insert (a master row and hundreds of part rows) takes long
  // enough to be caught in the middle.
  recordings->add(0, synth, 500);
  recordings->populate(fmtest::kRecordingInfo);
  recordings->populate(fmtest::kProcessing);
  ASSERT_EQ(recordings->count(fmtest::kProcessing), 1);

  auto victim = fmtest::ChildProcess::fmpipe({"worker", "FacialSignal"}, recordings->environment());
  const dj::JobInfo reserved = wait_for_reservation(fmtest::kFacialSignal, victim.pid());
  ASSERT_TRUE(wait_until_inserting(*connection, reserved.connection_id)) << victim.output();
  victim.signal(SIGKILL);
  const auto killed_at = Clock::now();
  EXPECT_EQ(victim.wait(10s).code, 128 + SIGKILL);

  // The master row and the parts already inserted were rolled back together.
  for (const std::string part :
       {"", ".Summary", ".Region", ".MotionSVD", ".Pupil", ".Blink", ".Running"}) {
    EXPECT_EQ(recordings->count(fmtest::kFacialSignal + part), 0) << part;
  }
  const auto stale = recordings->jobs(fmtest::kFacialSignal).list();
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].status, dj::JobStatus::reserved);

  auto rescuer = fmtest::ChildProcess::fmpipe({"worker"}, recordings->environment());
  ASSERT_EQ(rescuer.wait(50s).code, 0) << rescuer.output();
  const double kill_to_finish = std::chrono::duration<double>(Clock::now() - killed_at).count();
  EXPECT_EQ(recordings->count(fmtest::kFacialSignal), 1);
  // Every component the engine wrote is in the database.
  const auto written = facemap::read_proc_file(
      recordings->processed /
      "m1/r0/facemap_m1_2024-05-06_07-08-09_recording0_task0/face_proc.npy");
  EXPECT_EQ(recordings->count(fmtest::kFacialSignal + ".MotionSVD"),
            written.svd_regions.at(0).motion_svd->masks.cols());
  EXPECT_EQ(recordings->count(fmtest::kFacialSignal + ".Pupil"), 1);
  EXPECT_TRUE(recordings->jobs(fmtest::kFacialSignal).list().empty());
  std::printf("figure worker_kill_in_insert_to_finish %.1f s\n", kill_to_finish);
}
