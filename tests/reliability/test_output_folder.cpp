// Trigger mode writes its results (_proc.npy, _FacemapPose.h5) into an output folder. When the
// folder cannot take them, the fmpipe worker records an error that names the folder or file and
// the reason, inserts nothing, and goes on; once the cause is fixed, resetting the errors and
// running a worker again finishes the keys.
//  - unwritable: the processed-data root lies under a regular file. Unlike a folder without
//    write permission, this stops root too (tests may run as root in CI).
//  - full: the worker runs with a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored), so writing
//    the result file fails with EFBIG, as a full disk fails with ENOSPC; a small tmpfs would
//    need mount privileges. Nothing is left under the file's name, nor any part of it.

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "facemap/pose/pose_model.hpp"
#include "pipeline/tasks.hpp"
#include "support/child_process.hpp"
#include "support/synthetic_recordings.hpp"

namespace fs = std::filesystem;

namespace {

using namespace std::chrono_literals;

const std::string kInference = "facemap_inference.FacemapInference";

class OutputFolder : public fmtest::SyntheticPipelineTest {
 protected:
  /// Runs `fmpipe <args>` on the pipeline to its end, expecting `exit_code` (1: a key failed);
  /// returns what it printed.
  std::string run_fmpipe(const std::vector<std::string>& args,
                         const fmtest::ChildLimits& limits = {}, int exit_code = 0) {
    auto process = fmtest::ChildProcess::fmpipe(args, recordings->environment(), limits);
    const auto exit = process.wait(120s);
    EXPECT_EQ(exit.code, exit_code) << "fmpipe";
    return process.output();
  }
  /// The one error job of `table`.
  dj::JobInfo error_of(const std::string& table) {
    const auto errors = recordings->jobs(table).list(dj::JobStatus::error);
    EXPECT_EQ(errors.size(), 1u) << table;
    return errors.empty() ? dj::JobInfo{} : errors.front();
  }
};

}  // namespace

TEST_F(OutputFolder, UnwritableFolderIsAnErrorNamingItAndARetryAfterTheFixSucceeds) {
  facemap::SynthParams synth;
  synth.height = 96;
  synth.width = 96;
  synth.nframes = 40;
  const dj::Row task = recordings->add(0, synth);
  pipeline::register_model(recordings->pipe, 1, "demo",
                           fs::path(FMPIPE_SOURCE_DIR) / "models/facemap_demo_state.pt",
                           facemap::facemap_bodyparts());
  pipeline::InferenceTask inference;
  inference.recording = task.project({"subject", "session_datetime", "recording_id"});
  inference.model_id = 1;
  pipeline::add_inference_task(recordings->pipe, inference);
  const fs::path blocker = recordings->folder / "blocker";
  std::ofstream(blocker) << "a file where a folder should be";
  recordings->processed = blocker / "processed";

  const std::string first = run_fmpipe({"worker"}, {}, 1);
  EXPECT_NE(first.find("worker: 1 made, 2 errors"), std::string::npos) << first;
  const auto cannot_create = [&](const std::string& folder) {
    return "trigger mode: cannot create the output folder " +
           (recordings->processed / "m1/r0" / folder).string() + ": Not a directory";
  };
  EXPECT_EQ(
      error_of(fmtest::kProcessing).error_message,
      "std::runtime_error: " + cannot_create("facemap_m1_2024-05-06_07-08-09_recording0_task0"));
  EXPECT_EQ(
      error_of(kInference).error_message,
      "std::runtime_error: " + cannot_create("facemap_m1_2024-05-06_07-08-09_recording0_model1"));
  EXPECT_NE(first.find(cannot_create("facemap_m1_2024-05-06_07-08-09_recording0_task0")),
            std::string::npos)
      << first;
  for (const auto& table :
       {fmtest::kProcessing, fmtest::kFacialSignal, kInference, kInference + ".BodyPartPosition"}) {
    EXPECT_EQ(recordings->count(table), 0) << table;
  }

  fs::remove(blocker);
  const std::string reset = run_fmpipe({"jobs", "reset"});
  EXPECT_NE(reset.find(fmtest::kProcessing + ": 1 error(s) reset"), std::string::npos) << reset;
  EXPECT_NE(reset.find(kInference + ": 1 error(s) reset"), std::string::npos) << reset;
  const std::string retry = run_fmpipe({"worker"});
  EXPECT_NE(retry.find("worker: 3 made, 0 errors"), std::string::npos) << retry;
  EXPECT_EQ(recordings->count(fmtest::kFacialSignal), 1);
  EXPECT_EQ(recordings->count(kInference + ".BodyPartPosition"), 15);
  EXPECT_TRUE(fs::exists(recordings->processed /
                         "m1/r0/facemap_m1_2024-05-06_07-08-09_recording0_task0/face_proc.npy"));
  EXPECT_TRUE(
      fs::exists(recordings->processed /
                 "m1/r0/facemap_m1_2024-05-06_07-08-09_recording0_model1/face_FacemapPose.h5"));
  for (const auto& table : {fmtest::kProcessing, kInference}) {
    EXPECT_TRUE(recordings->jobs(table).list().empty()) << table;
  }
}

TEST_F(OutputFolder, FullFolderIsAnErrorNamingTheFileAndARetryAfterTheFixSucceeds) {
  facemap::SynthParams synth;
  synth.height = 96;
  synth.width = 96;
  synth.nframes = 300;
  recordings->add(0, synth);
  recordings->populate(fmtest::kRecordingInfo);
  const fs::path proc_file =
      recordings->processed / "m1/r0/facemap_m1_2024-05-06_07-08-09_recording0_task0/face_proc.npy";
  constexpr rlim_t kLimit = 16 << 10;

  fmtest::ChildLimits full;
  full.file_size_bytes = kLimit;
  const std::string first = run_fmpipe({"worker", "FacemapProcessing"}, full, 1);
  EXPECT_NE(first.find("worker: 0 made, 1 errors"), std::string::npos) << first;
  const auto error = error_of(fmtest::kProcessing);
  EXPECT_NE(error.error_message.find(proc_file.string()), std::string::npos) << error.error_message;
  EXPECT_NE(error.error_message.find("File too large"), std::string::npos) << error.error_message;
  EXPECT_EQ(recordings->count(fmtest::kProcessing), 0);
  // Nothing is under the file's name, and no part of it (nor its temporary folder) is left.
  const std::vector<fs::path> left(fs::directory_iterator(proc_file.parent_path()), {});
  EXPECT_EQ(left, std::vector<fs::path>{});

  const std::string reset = run_fmpipe({"jobs", "reset"});
  EXPECT_NE(reset.find(fmtest::kProcessing + ": 1 error(s) reset"), std::string::npos) << reset;
  const std::string retry = run_fmpipe({"worker"});
  EXPECT_NE(retry.find("worker: 2 made, 0 errors"), std::string::npos) << retry;
  EXPECT_EQ(recordings->count(fmtest::kFacialSignal), 1);
  EXPECT_GT(fs::file_size(proc_file), kLimit);  // the limit did cut the write short
  EXPECT_TRUE(recordings->jobs(fmtest::kProcessing).list().empty());
  std::printf("figure full_disk_whole_file %.0f KiB\n", fs::file_size(proc_file) / 1024.0);
  std::printf("figure full_disk_entries_left_after_the_failure %zu\n", left.size());
}
