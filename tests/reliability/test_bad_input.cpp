// Bad input files through the pipeline's populate: broken videos (RecordingInfo and trigger-mode
// FacemapProcessing) and result files that are not Facemap's (load-mode FacialSignal). Each bad
// key gets an error in its job table naming the file and the reason, leaves no row in any table,
// and the good key of the same populate call is made.

#include <fstream>

#include "dj/blob.hpp"
#include "facemap/io/npy.hpp"
#include "pipeline/tasks.hpp"
#include "reliability/bad_input_pipeline.hpp"

namespace fs = std::filesystem;

namespace {

constexpr const char* kRecordingInfo = "facial_behavior_estimation.RecordingInfo";
constexpr const char* kProcessing = "facial_behavior_estimation.FacemapProcessing";
constexpr const char* kFacialSignal = "facial_behavior_estimation.FacialSignal";

/// One bad recording: its files, and what its error must say.
struct BadVideo {
  std::string name;
  std::vector<std::string> files;
  std::string file_named;  ///< the file the error names
  std::string reason;      ///< words of the reason
};

class BadInput : public fmtest::BadInputPipeline {
 protected:
  /// A trigger-mode task (full-frame motion SVD, few components) for a recording.
  void add_trigger_task(const dj::Row& recording, int task_id) {
    pipeline::ProcessingTask task;
    task.recording = recording;
    task.task_id = task_id;
    task.params.components = 5;
    task.params.movie_svd = false;
    pipeline::add_processing_task(*pipe, task);
  }
  /// A load-mode task reading <output_dir>/good_proc.npy.
  void add_load_task(const dj::Row& recording, int task_id, const std::string& output_dir) {
    pipeline::ProcessingTask task;
    task.recording = recording;
    task.task_id = task_id;
    task.mode = "load";
    task.output_dir = output_dir;
    pipeline::add_processing_task(*pipe, task);
  }
  static dj::Row task_key(dj::Row recording, int task_id) {
    recording.set("facemap_task_id", task_id);
    return recording;
  }
};

}  // namespace

TEST_F(BadInput, BrokenVideosAreRecordedAndLeaveNothingBehind) {
  write_video("m1/s1/good.avi");
  {
    const fs::path cut = write_video("m1/s1/cut.avi");
    fs::resize_file(cut, fs::file_size(cut) / 2);
  }
  std::ofstream(raw / "m1/s1/empty.avi").close();
  std::ofstream(raw / "m1/s1/text.avi") << "this is a text file, not a video\n";
  write_video("m1/s1/part1.avi", 96);
  write_video("m1/s1/part2.avi", 64);

  const std::vector<BadVideo> bad = {
      {"missing file", {"m1/s1/missing.avi"}, "m1/s1/missing.avi", "exists under no data root"},
      {"zero-byte file", {"m1/s1/empty.avi"}, "empty.avi", "is empty (0 bytes)"},
      {"truncated video", {"m1/s1/cut.avi"}, "cut.avi", "truncated"},
      {"text file named .avi", {"m1/s1/text.avi"}, "text.avi", "cannot be opened as a video"},
      {"files of different frame sizes",
       {"m1/s1/part1.avi", "m1/s1/part2.avi"},
       "part2.avi",
       "has frames of 64x64, unlike"},
  };
  std::vector<pipeline::RecordingEntry> entries = {entry(0, {"m1/s1/good.avi"})};
  for (size_t i = 0; i < bad.size(); ++i)
    entries.push_back(entry(static_cast<int>(i) + 1, bad[i].files));
  pipeline::ingest(*pipe, entries);
  for (const auto& e : entries) add_trigger_task(pipeline::recording_key(e), 0);

  std::vector<std::map<std::string, long long>> before;
  for (size_t i = 0; i < bad.size(); ++i)
    before.push_back(rows_matching(pipeline::recording_key(entries[i + 1])));

  auto results = populate_all();
  EXPECT_EQ(results[kRecordingInfo].made, 1);
  EXPECT_EQ(results[kRecordingInfo].errors.size(), bad.size());
  EXPECT_EQ(results[kProcessing].made, 1);
  EXPECT_EQ(results[kProcessing].errors.size(), bad.size());
  EXPECT_EQ(results[kFacialSignal].made, 1);
  EXPECT_TRUE(results[kFacialSignal].errors.empty());

  for (size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(bad[i].name);
    const dj::Row recording = pipeline::recording_key(entries[i + 1]);
    for (const char* table : {kRecordingInfo, kProcessing}) {
      fmtest::expect_mentions(job_error(table, recording), {bad[i].file_named, bad[i].reason});
    }
    EXPECT_EQ(tables_changed(recording, before[i]), std::set<std::string>{});
    EXPECT_FALSE(
        fs::exists(roots.processed_root() / "m1/s1" /
                   ("facemap_m1_2024-05-06_07-08-09_recording" + std::to_string(i + 1) + "_task0") /
                   (fs::path(bad[i].files.front()).stem().string() + "_proc.npy")));
  }
  EXPECT_TRUE(fs::exists(roots.processed_root() /
                         "m1/s1/facemap_m1_2024-05-06_07-08-09_recording0_task0/good_proc.npy"));
  EXPECT_EQ(pipe->table(kRecordingInfo).fetch1().get<int>("nframes"), 30);
}

TEST_F(BadInput, ResultFilesThatAreNotFacemapsAreRecordedAndLeaveNothingBehind) {
  write_video("m1/s1/good.avi");
  const auto recording_entry = entry(0, {"m1/s1/good.avi"});
  pipeline::ingest(*pipe, {recording_entry});
  const dj::Row recording = pipeline::recording_key(recording_entry);
  add_trigger_task(recording, 0);

  // Load-mode tasks, each reading good_proc.npy from a folder of its own.
  fs::create_directories(raw / "plain_array");
  facemap::write_npy(raw / "plain_array/good_proc.npy",
                     facemap::RowMajorArray::from_values<float>({3}, {1.5f, 2.5f, 3.5f}));
  fs::create_directories(raw / "dict_missing_keys");
  {
    facemap::pickle::Dict dict;
    dict.set("sbin", facemap::pickle::Value::integer(4));
    facemap::write_npy_object(raw / "dict_missing_keys/good_proc.npy",
                              facemap::pickle::Value::dict(std::move(dict)));
  }
  fs::create_directories(raw / "not_npy");
  std::ofstream(raw / "not_npy/good_proc.npy") << "sbin,4\nncomp,500\n";
  fs::create_directories(raw / "missing");

  struct BadFile {
    std::string folder;
    std::string reason;
  };
  const std::vector<BadFile> bad = {
      {"plain_array", "holds a numeric array"},
      {"dict_missing_keys", "holds 0 region(s) but no results"},
      {"not_npy", "not a .npy file"},
  };
  for (size_t i = 0; i < bad.size(); ++i)
    add_load_task(recording, static_cast<int>(i) + 1, bad[i].folder);
  const int missing_task = static_cast<int>(bad.size()) + 1;
  add_load_task(recording, missing_task, "missing");

  std::vector<std::map<std::string, long long>> before;
  for (int id = 1; id <= missing_task; ++id)
    before.push_back(rows_matching(task_key(recording, id)));

  auto results = populate_all();
  // FacemapProcessing reads a load task's file to see that it holds Facemap's results, so
  // every bad file is refused there, at the door, and FacialSignal never sees it.
  EXPECT_EQ(results[kProcessing].made, 1);
  EXPECT_EQ(results[kProcessing].errors.size(), 1u + bad.size());
  EXPECT_EQ(results[kFacialSignal].made, 1);
  EXPECT_EQ(results[kFacialSignal].errors.size(), 0u);

  for (size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(bad[i].folder);
    const dj::Row key = task_key(recording, static_cast<int>(i) + 1);
    fmtest::expect_mentions(job_error(kProcessing, key),
                            {bad[i].folder + "/good_proc.npy", bad[i].reason});
    // The recording's info was made by the good task; nothing else was kept.
    EXPECT_EQ(tables_changed(key, before[i]), (std::set<std::string>{kRecordingInfo}));
  }
  fmtest::expect_mentions(job_error(kProcessing, task_key(recording, missing_task)),
                          {"missing/good_proc.npy", "does not exist"});
  EXPECT_EQ(tables_changed(task_key(recording, missing_task), before.back()),
            std::set<std::string>{kRecordingInfo});
  EXPECT_EQ(
      (pipe->table("facial_behavior_estimation.FacialSignal.MotionSVD") & task_key(recording, 0))
          .count(),
      5);
}
