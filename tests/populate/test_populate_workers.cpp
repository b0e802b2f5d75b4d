// `fmpipe populate --workers N` honours every flag that `--workers 1` honours (--restrict,
// --reserve, --order, --max-calls, --suppress-errors) and exits as it does: non-zero when a key
// failed, also when that key's error is already on record in its job table.

#include <gtest/gtest.h>

#include <algorithm>

#include "support/child_process.hpp"
#include "support/synthetic_recordings.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

class PopulateWorkers : public fmtest::SyntheticPipelineTest {
 protected:
  void SetUp() override {
    SyntheticPipelineTest::SetUp();
    const facemap::SynthParams synth = fmtest::small_face(20);
    for (int id = 0; id < 5; ++id) tasks.push_back(recordings->add(id, synth, 5));
  }

  /// Runs `fmpipe populate RecordingInfo <args>` to its end; its exit code and output.
  std::pair<int, std::string> populate(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"populate", "RecordingInfo"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto process = fmtest::ChildProcess::fmpipe(argv, recordings->environment());
    const auto exit = process.wait(120s);
    EXPECT_FALSE(exit.timed_out);
    return {exit.code, process.output()};
  }

  /// The recording ids that RecordingInfo holds, sorted.
  std::vector<int> made() const {
    std::vector<int> ids;
    for (const auto& row : recordings->pipe.table(fmtest::kRecordingInfo).fetch_keys())
      ids.push_back(row.get<int>("recording_id"));
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  /// RecordingInfo's key of recording `id`.
  dj::Row recording_key(int id) const {
    return tasks.at(static_cast<size_t>(id))
        .project(recordings->pipe.table(fmtest::kRecordingInfo).heading().primary_key());
  }

  std::vector<dj::Row> tasks;
};

}  // namespace

TEST_F(PopulateWorkers, TwoWorkersHonourRestrictReserveOrderAndMaxCalls) {
  // Recording 4 is ignored in the job queue, which only --reserve looks at.
  recordings->jobs(fmtest::kRecordingInfo).ignore({recording_key(4)});

  // Pending after --restrict: 1, 2, 3, 4; after --reserve: 1, 2, 3; --order reverse: 3, 2, 1;
  // --max-calls 2: 3 and 2.
  const auto [code, output] = populate({"--workers", "2", "--restrict", "recording_id >= 1",
                                        "--reserve", "--order", "reverse", "--max-calls", "2"});
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("RecordingInfo: 2 made\n"), std::string::npos) << output;
  EXPECT_EQ(made(), (std::vector<int>{2, 3}));

  // The same flags again take the next key in that order, and only it.
  const auto [again_code, again_output] =
      populate({"--workers", "2", "--restrict", "recording_id >= 1", "--reserve", "--order",
                "reverse", "--max-calls", "2"});
  EXPECT_EQ(again_code, 0) << again_output;
  EXPECT_NE(again_output.find("RecordingInfo: 1 made\n"), std::string::npos) << again_output;
  EXPECT_EQ(made(), (std::vector<int>{1, 2, 3}));
}

TEST_F(PopulateWorkers, TwoWorkersExitNonZeroWhenAKeyFailsAsOneWorkerDoes) {
  const fs::path video = recordings->raw / "m1/r0/face.avi";
  fs::rename(video, recordings->folder / "face.avi");

  // Without --suppress-errors the failing worker stops at its error, which fmpipe reports.
  const auto [code, output] = populate({"--workers", "2"});
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("fmpipe: error: "), std::string::npos) << output;
  const auto single = populate({"--workers", "1"});
  EXPECT_EQ(single.first, 1) << single.second;
  EXPECT_NE(made(), (std::vector<int>{0, 1, 2, 3, 4}));

  // With --suppress-errors the other keys are made and the failed one is counted.
  const auto [suppressed_code, suppressed_output] =
      populate({"--workers", "2", "--suppress-errors"});
  EXPECT_EQ(suppressed_code, 1) << suppressed_output;
  EXPECT_NE(suppressed_output.find(", 1 errors (fmpipe jobs list)\n"), std::string::npos)
      << suppressed_output;
  EXPECT_NE(suppressed_output.find("fmpipe: error: 1 key(s) failed; see `fmpipe jobs list`"),
            std::string::npos)
      << suppressed_output;
  EXPECT_EQ(made(), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(recordings->jobs(fmtest::kRecordingInfo).list(dj::JobStatus::error).size(), 1u);

  // Its error is on record now; populate without --reserve tries the key again and fails again.
  const auto [retry_code, retry_output] = populate({"--workers", "2", "--suppress-errors"});
  EXPECT_EQ(retry_code, 1) << retry_output;
  EXPECT_NE(retry_output.find("RecordingInfo: 0 made, 1 errors (fmpipe jobs list)\n"),
            std::string::npos)
      << retry_output;
}
