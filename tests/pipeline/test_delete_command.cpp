// `fmpipe delete` on a fully analysed recording (support/populated_pipeline.hpp): the preview
// counts every downstream table, a dry run deletes nothing, --yes deletes the rows and then the
// files trigger mode wrote, --keep-files lists them instead, and without a terminal nothing is
// deleted unless --yes is given. Tables are named in each form.

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "support/command.hpp"
#include "support/populated_pipeline.hpp"

namespace fs = std::filesystem;

namespace {

class DeleteCommand : public fmtest::PopulatedPipelineTest {
 protected:
  void SetUp() override {
    PopulatedPipelineTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    const fs::path processed = root / "processed/m1/s1";
    proc_file = processed / "facemap_m1_2024-05-06_07-08-09_recording0_task0/face_proc.npy";
    pose_file = processed / "facemap_m1_2024-05-06_07-08-09_recording0_model1/face_FacemapPose.h5";
    pose_metadata = pose_file.parent_path() / "face_FacemapPose_metadata.pkl";
    for (const auto& file : {proc_file, pose_file, pose_metadata})
      ASSERT_TRUE(fs::exists(file)) << file;
  }

  fmtest::CommandResult fmpipe(const std::vector<std::string>& args,
                               const std::optional<std::string>& input = "") {
    std::vector<std::string> argv = {std::string(FMPIPE_BINARY_DIR) + "/fmpipe"};
    argv.insert(argv.end(), args.begin(), args.end());
    return fmtest::run_command(
        argv,
        {"DATABASE_URL=" + fmtest::database_url(), "FMPIPE_SCHEMA_PREFIX=" + prefix,
         "FACEMAP_ROOT_DATA_DIR=" + (root / "raw").string(),
         "FACEMAP_PROCESSED_DATA_DIR=" + (root / "processed").string()},
        input);
  }

  /// Rows of every table of the pipeline.
  std::map<std::string, long long> row_counts() const {
    std::map<std::string, long long> counts;
    for (const auto& name : pipe->table_names()) counts[name] = pipe->table(name).count();
    return counts;
  }

  /// The preview's "  <table>  <rows>" lines.
  static std::map<std::string, long long> preview_counts(const std::string& output) {
    static const std::regex line(R"(^  ([a-z_]+\.[A-Za-z.]+) +(\d+)$)");
    std::map<std::string, long long> counts;
    std::istringstream lines(output);
    std::smatch m;
    for (std::string text; std::getline(lines, text);)
      if (std::regex_match(text, m, line)) counts[m[1].str()] = std::stoll(m[2].str());
    return counts;
  }

  fs::path proc_file, pose_file, pose_metadata;
};

const std::vector<std::string> kDownstreamOfTask = {
    "facial_behavior_estimation.FacemapTask",
    "facial_behavior_estimation.FacemapProcessing",
    "facial_behavior_estimation.FacialSignal",
    "facial_behavior_estimation.FacialSignal.Region",
    "facial_behavior_estimation.FacialSignal.MotionSVD",
    "facial_behavior_estimation.FacialSignal.MovieSVD",
    "facial_behavior_estimation.FacialSignal.Summary",
    "facial_behavior_estimation.FacialSignal.Pupil",
    "facial_behavior_estimation.FacialSignal.Blink",
    "facial_behavior_estimation.FacialSignal.Running"};

TEST_F(DeleteCommand, DryRunPreviewsEveryDownstreamTableAndLeavesEverything) {
  const auto before = row_counts();
  const auto result =
      fmpipe({"delete", "FacemapTask", "--restrict", "facemap_task_id = 0", "--dry-run"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::map<std::string, long long> expected;
  for (const auto& name : kDownstreamOfTask) expected[name] = before.at(name);
  EXPECT_EQ(preview_counts(result.output), expected) << result.output;
  // The one recording's rows: its regions (full frame and four drawn) and their components.
  EXPECT_EQ(expected.at("facial_behavior_estimation.FacialSignal"), 1);
  EXPECT_EQ(expected.at("facial_behavior_estimation.FacialSignal.Pupil"), 1);
  EXPECT_GE(expected.at("facial_behavior_estimation.FacialSignal.MotionSVD"), kComponents);
  EXPECT_NE(result.output.find("trigger-mode result files: 1\n  " + proc_file.string() + "\n"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("dry run: nothing deleted"), std::string::npos);
  EXPECT_EQ(row_counts(), before);
  EXPECT_TRUE(fs::exists(proc_file));
}

TEST_F(DeleteCommand, YesDeletesTheDownstreamRowsAndThenTheFiles) {
  auto expected = row_counts();
  const auto result =
      fmpipe({"delete", "session.Session", "--restrict", "subject = 'm1'", "--yes"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  // Everything of the session goes; the subject and the model stay.
  for (auto& [name, count] : expected) {
    if (name.rfind("session.", 0) == 0 || name.rfind("facial_behavior_estimation.", 0) == 0 ||
        name.rfind("facemap_inference.FacemapInference", 0) == 0)
      count = 0;
  }
  EXPECT_EQ(row_counts(), expected);
  EXPECT_EQ(expected.at("subject.Subject"), 1);
  EXPECT_EQ(expected.at("facemap_inference.FacemapModel"), 1);
  const auto preview = preview_counts(result.output);
  EXPECT_EQ(preview.at("session.Session"), 1);
  EXPECT_EQ(preview.at("facemap_inference.FacemapInference.BodyPartPosition"), 15);
  EXPECT_EQ(preview.at("facial_behavior_estimation.VideoRecording.File"), 1);
  // The three result files, then their two folders, which they left empty.
  EXPECT_NE(result.output.find("trigger-mode result files: 3\n"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("removed 5 file(s) and folder(s)"), std::string::npos)
      << result.output;
  for (const auto& file : {proc_file, pose_file, pose_metadata}) EXPECT_FALSE(fs::exists(file));
  EXPECT_FALSE(fs::exists(proc_file.parent_path()));
  EXPECT_FALSE(fs::exists(pose_file.parent_path()));
  EXPECT_TRUE(fs::exists(root / "raw/m1/s1/face.avi"));  // the lab's video is no result
}

TEST_F(DeleteCommand, KeepFilesDeletesTheRowsAndListsTheFiles) {
  const auto result =
      fmpipe({"delete", "facemap_inference.FacemapInference", "--yes", "--keep-files"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(pipe->table("facemap_inference.FacemapInference").count(), 0);
  EXPECT_EQ(pipe->table("facemap_inference.FacemapInference.BodyPartPosition").count(), 0);
  EXPECT_EQ(pipe->table("facemap_inference.FacemapInferenceTask").count(), 1);
  EXPECT_EQ(pipe->table("facial_behavior_estimation.FacialSignal").count(), 1);
  EXPECT_NE(result.output.find("kept 2 file(s):\n  " + pose_file.string() + "\n  " +
                               pose_metadata.string() + "\n"),
            std::string::npos)
      << result.output;
  EXPECT_TRUE(fs::exists(pose_file));
  EXPECT_TRUE(fs::exists(pose_metadata));
}

TEST_F(DeleteCommand, WithoutATerminalNothingIsDeletedUnlessYes) {
  const auto before = row_counts();
  // An answer on a pipe is not a person's: refused even when it says yes.
  const auto result = fmpipe({"delete", "VideoRecording"}, std::string("y\n"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("standard input is not a terminal"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("pass --yes"), std::string::npos);
  EXPECT_EQ(preview_counts(result.output).at("facial_behavior_estimation.VideoRecording"), 1);
  // Nothing to delete needs no answer.
  const auto none = fmpipe({"delete", "FacemapTask", "--restrict", "facemap_task_id = 5"});
  EXPECT_EQ(none.exit_code, 0) << none.output;
  EXPECT_NE(none.output.find("nothing to delete: no row of facial_behavior_estimation.FacemapTask "
                             "matches"),
            std::string::npos)
      << none.output;
  EXPECT_EQ(row_counts(), before);
  for (const auto& file : {proc_file, pose_file, pose_metadata}) EXPECT_TRUE(fs::exists(file));
}

TEST_F(DeleteCommand, TablesAreNamedInEveryFormAndWrongNamesExplained) {
  const auto before = row_counts();
  for (const std::string name : {"FacialSignal", "facial_behavior_estimation.FacialSignal"}) {
    const auto result = fmpipe({"delete", name, "--dry-run"});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(preview_counts(result.output).at("facial_behavior_estimation.FacialSignal.Pupil"), 1)
        << name;
  }
  for (const std::string name :
       {"FacialSignal.Pupil", "facial_behavior_estimation.FacialSignal.Pupil"}) {
    const auto part = fmpipe({"delete", name, "--yes"});
    EXPECT_EQ(part.exit_code, 1);
    EXPECT_NE(part.output.find("FacialSignal.Pupil is a part of FacialSignal: its rows go with "
                               "their master's; delete from FacialSignal"),
              std::string::npos)
        << part.output;
    const auto populate = fmpipe({"populate", name});
    EXPECT_EQ(populate.exit_code, 1);
    EXPECT_NE(populate.output.find("FacialSignal.Pupil is a part of FacialSignal, which computes "
                                   "it; populate FacialSignal"),
              std::string::npos)
        << populate.output;
  }
  const auto unknown = fmpipe({"delete", "Sessoin", "--yes"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("no table is named 'Sessoin'; the tables are "), std::string::npos)
      << unknown.output;
  EXPECT_NE(unknown.output.find(", session.Session, "), std::string::npos);
  EXPECT_NE(unknown.output.find(", facial_behavior_estimation.FacialSignal.Pupil, "),
            std::string::npos);
  const auto manual = fmpipe({"populate", "session.Session"});
  EXPECT_NE(manual.output.find("Session is a manual table, which populate does not compute; the "
                               "tables it computes are RecordingInfo, FacemapProcessing, "
                               "FacialSignal, FacemapInference"),
            std::string::npos)
      << manual.output;
  // The other commands that name tables take the same forms.
  for (const std::string name : {"FacialSignal", "facial_behavior_estimation.FacialSignal"}) {
    const auto populate = fmpipe({"populate", name});
    EXPECT_EQ(populate.exit_code, 0) << populate.output;
    EXPECT_NE(populate.output.find("FacialSignal: 0 made"), std::string::npos) << populate.output;
    const auto jobs = fmpipe({"jobs", "reset", "--table", name});
    EXPECT_EQ(jobs.exit_code, 0) << jobs.output;
    EXPECT_NE(jobs.output.find("facial_behavior_estimation.FacialSignal: 0 error(s) reset"),
              std::string::npos)
        << jobs.output;
  }
  const auto jobs_part = fmpipe({"jobs", "list", "--table", "FacialSignal.Pupil"});
  EXPECT_NE(jobs_part.output.find("is a part of FacialSignal"), std::string::npos);
  EXPECT_EQ(row_counts(), before);
}

}  // namespace
