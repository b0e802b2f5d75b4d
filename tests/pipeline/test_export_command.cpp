// `fmpipe export` (support/populated_pipeline.hpp, plus a second session of the same subject
// from a shorter video): each file is named after its task's whole key, so that two sessions
// exported into one folder keep their own files, and every CSV begins with the frame index and
// its time in seconds.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "pipeline/computations.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/tables.hpp"
#include "pipeline/tasks.hpp"
#include "support/command.hpp"
#include "support/populated_pipeline.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int kSecondFrames = 40;

/// A CSV as its header and its columns, each read as numbers.
struct Csv {
  std::vector<std::string> header;
  std::map<std::string, std::vector<double>> columns;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

Csv read_csv(const fs::path& path) {
  std::ifstream in(path);
  Csv csv;
  std::string line;
  if (!std::getline(in, line)) return csv;
  csv.header = split(line);
  while (std::getline(in, line)) {
    const auto fields = split(line);
    for (size_t c = 0; c < fields.size() && c < csv.header.size(); ++c)
      csv.columns[csv.header[c]].push_back(std::stod(fields[c]));
  }
  return csv;
}

class ExportCommand : public fmtest::PopulatedPipelineTest {
 protected:
  void SetUp() override {
    PopulatedPipelineTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    // A second session of m1, whose video is shorter, so that its traces differ from the first's.
    facemap::SynthParams synth;
    synth.height = 128;
    synth.width = 128;
    synth.nframes = kSecondFrames;
    const facemap::SyntheticFace face(synth);
    fs::create_directories(root / "raw/m1/s2");
    facemap::write_synthetic_video(face, root / "raw/m1/s2/face.avi", root / "raw/m1/s2/truth.npy");
    pipeline::RecordingEntry entry;
    entry.subject = "m1";
    entry.sex = "M";
    entry.subject_birth_date = "2024-01-01";
    entry.session_datetime = "2024-05-07 10:00:00";
    entry.session_dir = "m1/s2";
    entry.files = {"m1/s2/face.avi"};
    pipeline::ingest(*pipe, {entry});
    second_recording = pipeline::recording_key(entry);
    pipeline::ProcessingTask task;
    task.recording = second_recording;
    task.params.components = 5;
    task.params.rois = face.rois().all();
    pipeline::add_processing_task(*pipe, task);
    second_task_key = second_recording;
    second_task_key.set("facemap_task_id", 0);
    dj::PopulateOptions options;
    for (auto& [name, table] : pipeline::computations(*pipe, *roots)) table->populate(options);
    ASSERT_EQ((pipe->table("facial_behavior_estimation.FacialSignal") & second_recording).count(),
              1);
  }

  fmtest::CommandResult fmpipe(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {std::string(FMPIPE_BINARY_DIR) + "/fmpipe"};
    argv.insert(argv.end(), args.begin(), args.end());
    return fmtest::run_command(
        argv, {"DATABASE_URL=" + fmtest::database_url(), "FMPIPE_SCHEMA_PREFIX=" + prefix,
               "FACEMAP_ROOT_DATA_DIR=" + (root / "raw").string(),
               "FACEMAP_PROCESSED_DATA_DIR=" + (root / "processed").string()});
  }

  /// The CSV's traces equal the stored ones: full-frame motion and the pupil's area.
  void expect_traces(const Csv& csv, const dj::Row& key) const {
    const facemap::FacemapResult result = pipeline::fetch_facial_signal(*pipe, key);
    const auto& full_frame = result.svd_regions.front();
    const std::string motion =
        "roi" + std::to_string(pipeline::region_number(result, full_frame)) + "_motion";
    ASSERT_EQ(csv.columns.count(motion), 1u) << motion;
    ASSERT_EQ(csv.columns.at(motion).size(), static_cast<size_t>(full_frame.motion.size()));
    for (Eigen::Index t = 0; t < full_frame.motion.size(); ++t) {
      EXPECT_NEAR(csv.columns.at(motion)[t], full_frame.motion(t),
                  1e-5 * std::abs(full_frame.motion(t)) + 1e-6)
          << motion << " frame " << t;
    }
    ASSERT_FALSE(result.pupils.empty());
    const auto& area = result.pupils.front().area;
    const std::string pupil =
        "roi" + std::to_string(pipeline::region_number(result.pupils.front().roi_index)) +
        "_pupil_area";
    ASSERT_EQ(csv.columns.count(pupil), 1u) << pupil;
    for (Eigen::Index t = 0; t < area.size(); ++t) {
      if (std::isnan(area(t))) {
        EXPECT_TRUE(std::isnan(csv.columns.at(pupil)[t])) << pupil << " frame " << t;
      } else {
        EXPECT_NEAR(csv.columns.at(pupil)[t], area(t), 1e-5 * std::abs(area(t)) + 1e-6)
            << pupil << " frame " << t;
      }
    }
  }

  /// The first two columns: frame t and t / fps, one row per frame.
  void expect_frame_and_time(const Csv& csv, const dj::Row& recording_key, int nframes) const {
    ASSERT_GE(csv.header.size(), 3u);
    EXPECT_EQ(csv.header[0], "frame");
    EXPECT_EQ(csv.header[1], "time");
    const double fps = pipeline::RecordingInfo::read(*pipe, recording_key)->fps;
    ASSERT_GT(fps, 0);
    ASSERT_EQ(csv.columns.at("frame").size(), static_cast<size_t>(nframes));
    for (int t = 0; t < nframes; ++t) {
      EXPECT_EQ(csv.columns.at("frame")[t], t);
      EXPECT_DOUBLE_EQ(csv.columns.at("time")[t], t / fps) << "frame " << t;
    }
  }

  dj::Row second_recording, second_task_key;
};

TEST_F(ExportCommand, TwoSessionsOfOneSubjectGetFilesOfTheirOwnInOneFolder) {
  const fs::path out = root / "export";
  const auto first =
      fmpipe({"export", "--subject", "m1", "--session", "2024-05-06 07:08:09", "-o", out.string()});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const auto second =
      fmpipe({"export", "--subject", "m1", "--session", "2024-05-07 10:00:00", "-o", out.string()});
  ASSERT_EQ(second.exit_code, 0) << second.output;

  // The names of trigger mode's folders (pipeline/task_paths.hpp), one per task key.
  const std::string one = "m1_2024-05-06_07-08-09_recording0";
  const std::string two = "m1_2024-05-07_10-00-00_recording0";
  std::set<std::string> files;
  for (const auto& entry : fs::directory_iterator(out)) files.insert(entry.path().filename());
  EXPECT_EQ(files,
            (std::set<std::string>{one + "_task0_proc.npy", one + "_task0_traces.csv",
                                   one + "_model1_FacemapPose.h5", one + "_model1_keypoints.csv",
                                   two + "_task0_proc.npy", two + "_task0_traces.csv"}))
      << first.output << second.output;

  const Csv traces_one = read_csv(out / (one + "_task0_traces.csv"));
  const Csv traces_two = read_csv(out / (two + "_task0_traces.csv"));
  expect_frame_and_time(traces_one, recording, kFrames);
  expect_frame_and_time(traces_two, second_recording, kSecondFrames);
  expect_traces(traces_one, task_key);
  expect_traces(traces_two, second_task_key);
}

TEST_F(ExportCommand, KeypointCsvBeginsWithFrameAndTimeThenEachBodypart) {
  const fs::path out = root / "export";
  const auto exported = fmpipe({"export", "--subject", "m1", "--session", "2024-05-06 07:08:09",
                                "--model-id", "1", "-o", out.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  const Csv keypoints = read_csv(out / "m1_2024-05-06_07-08-09_recording0_model1_keypoints.csv");
  expect_frame_and_time(keypoints, recording, kFrames);
  const facemap::PoseTracks tracks = pipeline::fetch_keypoints(*pipe, inference_key);
  ASSERT_FALSE(tracks.bodyparts.empty());
  EXPECT_EQ(keypoints.header[2], tracks.bodyparts.front() + "_x");
  const auto& x = keypoints.columns.at(tracks.bodyparts.front() + "_x");
  ASSERT_EQ(x.size(), static_cast<size_t>(tracks.x.rows()));
  for (Eigen::Index t = 0; t < tracks.x.rows(); ++t)
    EXPECT_NEAR(x[t], tracks.x(t, 0), 1e-4 * std::abs(tracks.x(t, 0)) + 1e-6) << "frame " << t;
}

}  // namespace
