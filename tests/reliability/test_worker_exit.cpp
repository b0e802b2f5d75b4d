// `fmpipe worker` exits non-zero when a key failed, as `fmpipe populate` does, so that a batch
// system (a Slurm array job, a Kubernetes Job) sees the failure; the failed keys are in the job
// tables and the other keys are made. Once the cause is fixed and the errors reset, a worker
// exits 0.

#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/synthetic_recordings.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

class WorkerExit : public fmtest::SyntheticPipelineTest {
 protected:
  /// Runs `fmpipe <args>` to its end; returns its exit code and what it printed.
  std::pair<int, std::string> run_fmpipe(const std::vector<std::string>& args) {
    auto process = fmtest::ChildProcess::fmpipe(args, recordings->environment());
    const auto exit = process.wait(120s);
    EXPECT_FALSE(exit.timed_out);
    return {exit.code, process.output()};
  }
};

}  // namespace

TEST_F(WorkerExit, AFailedKeyMakesTheWorkerExitNonZero) {
  const facemap::SynthParams synth = fmtest::small_face(20);
  recordings->add(0, synth, 5);
  recordings->add(1, synth, 5);
  const fs::path video = recordings->raw / "m1/r1/face.avi";
  const fs::path kept = recordings->folder / "face.avi";
  fs::rename(video, kept);

  // Recording 1's RecordingInfo and FacemapProcessing fail; recording 0's three tables are made.
  const auto [code, output] = run_fmpipe({"worker"});
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("worker: 3 made, 2 errors"), std::string::npos) << output;
  EXPECT_NE(output.find("fmpipe: error: 2 key(s) failed; see `fmpipe jobs list`"),
            std::string::npos)
      << output;
  EXPECT_EQ(recordings->jobs(fmtest::kRecordingInfo).list(dj::JobStatus::error).size(), 1u);
  EXPECT_EQ(recordings->count(fmtest::kFacialSignal), 1);

  // Several worker processes: one of them had the failed keys.
  run_fmpipe({"jobs", "reset"});
  const auto [parallel_code, parallel_output] = run_fmpipe({"worker", "--workers", "2"});
  EXPECT_EQ(parallel_code, 1) << parallel_output;
  EXPECT_NE(parallel_output.find("worker process(es) failed or had failed keys"), std::string::npos)
      << parallel_output;

  fs::rename(kept, video);
  run_fmpipe({"jobs", "reset"});
  const auto [fixed_code, fixed_output] = run_fmpipe({"worker"});
  EXPECT_EQ(fixed_code, 0) << fixed_output;
  EXPECT_NE(fixed_output.find("worker: 3 made, 0 errors"), std::string::npos) << fixed_output;
}
