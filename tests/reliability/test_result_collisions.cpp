// Results that cannot collide. Recordings that point at the same video file (two mice in one
// camera view, a session re-ingested under a corrected date) each get their own result file,
// and FacialSignal stores each its own regions; a file in a task's folder that was made from
// another recording is refused; trigger-mode tasks whose stored folder would make them write the
// same file are refused.

#include "synth/synthetic_face.hpp"
#include "pipeline/tasks.hpp"
#include "reliability/bad_input_pipeline.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kProcessing = "facial_behavior_estimation.FacemapProcessing";
const std::string kFacialSignal = "facial_behavior_estimation.FacialSignal";
const std::string kRegion = "facial_behavior_estimation.FacialSignal.Region";

class ResultCollisions : public fmtest::BadInputPipeline {
 protected:
  /// The regions of the synthetic face that write_video draws.
  static facemap::SynthRois face_rois() {
    facemap::SynthParams synth;
    synth.height = synth.width = 96;
    return facemap::SyntheticFace(synth).rois();
  }
  /// A processing task of `recording` with a few components and these regions.
  void add_task(const dj::Row& recording, std::vector<facemap::Roi> rois,
                const std::string& mode = "trigger", const std::string& output_dir = "") {
    pipeline::ProcessingTask task;
    task.recording = recording;
    task.mode = mode;
    task.output_dir = output_dir;
    task.params.components = 5;
    task.params.movie_svd = false;
    task.params.rois = std::move(rois);
    pipeline::add_processing_task(*pipe, task);
  }
  static dj::Row task_key(dj::Row recording) {
    recording.set("facemap_task_id", 0);
    return recording;
  }
  /// The region names FacialSignal stored for a task, in roi_no order.
  std::vector<std::string> region_names(const dj::Row& task) const {
    std::vector<std::string> names;
    for (const auto& row : (pipe->table(kRegion) & task).fetch())
      names.push_back(row.get<std::string>("roi_name"));
    return names;
  }
  /// Every file under `folder`, hidden ones included.
  static std::vector<fs::path> files_under(const fs::path& folder) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(folder))
      if (entry.is_regular_file()) files.push_back(entry.path());
    return files;
  }
};

}  // namespace

TEST_F(ResultCollisions, RecordingsOfOneVideoFileEachGetTheirOwnResults) {
  write_video("m1/s1/face.avi", 96, 40);
  auto first_mouse = entry(0, {"m1/s1/face.avi"});
  auto second_mouse = entry(1, {"m1/s1/face.avi"});
  auto corrected_date = entry(0, {"m1/s1/face.avi"});
  corrected_date.session_datetime = "2024-05-06 17:08:09";
  pipeline::ingest(*pipe, {first_mouse, second_mouse, corrected_date});
  const auto rois = face_rois();
  auto pupil = rois.pupil, running = rois.running, blink = rois.blink, motion = rois.motion;
  pupil.name = "left pupil";
  running.name = "wheel";
  blink.name = "blink";
  motion.name = "whiskers";
  add_task(pipeline::recording_key(first_mouse), {pupil});
  add_task(pipeline::recording_key(second_mouse), {running});
  add_task(pipeline::recording_key(corrected_date), {motion, blink});

  auto results = populate_all();
  EXPECT_EQ(results[kProcessing].made, 3);
  EXPECT_EQ(results[kFacialSignal].made, 3);
  EXPECT_TRUE(results[kFacialSignal].errors.empty());

  // Each FacialSignal holds the regions of its own task (the full frame first).
  EXPECT_EQ(region_names(task_key(pipeline::recording_key(first_mouse))),
            (std::vector<std::string>{"full frame", "left pupil"}));
  EXPECT_EQ(region_names(task_key(pipeline::recording_key(second_mouse))),
            (std::vector<std::string>{"full frame", "wheel"}));
  EXPECT_EQ(region_names(task_key(pipeline::recording_key(corrected_date))),
            (std::vector<std::string>{"full frame", "whiskers", "blink"}));
  // ... from three files, in folders named after their keys.
  const fs::path folder = roots.processed_root() / "m1/s1";
  for (const std::string name : {"facemap_m1_2024-05-06_07-08-09_recording0_task0",
                                 "facemap_m1_2024-05-06_07-08-09_recording1_task0",
                                 "facemap_m1_2024-05-06_17-08-09_recording0_task0"}) {
    EXPECT_TRUE(fs::exists(folder / name / "face_proc.npy")) << name;
  }
  EXPECT_EQ(files_under(folder).size(), 3u);
}

TEST_F(ResultCollisions, FacialSignalRefusesAFileMadeFromAnotherRecording) {
  fs::create_directories(raw / "m1/s1/short");
  write_video("m1/s1/face.avi", 96, 40);
  write_video("m1/s1/short/face.avi", 96, 30);  // same name, fewer frames
  write_video("m1/s1/side.avi", 96, 40);        // same frame count, another name
  const auto made_here = entry(0, {"m1/s1/face.avi"});
  const auto shorter = entry(1, {"m1/s1/short/face.avi"});
  const auto other_name = entry(2, {"m1/s1/side.avi"});
  pipeline::ingest(*pipe, {made_here, shorter, other_name});
  add_task(pipeline::recording_key(made_here), {});
  populate_all();
  const std::string trigger_folder = "m1/s1/facemap_m1_2024-05-06_07-08-09_recording0_task0";
  const fs::path made = roots.processed_root() / trigger_folder / "face_proc.npy";
  ASSERT_TRUE(fs::exists(made));

  // Load-mode tasks that find recording 0's file: in its folder, and copied under another name.
  fs::create_directories(raw / "copied");
  fs::copy_file(made, raw / "copied/side_proc.npy");
  add_task(pipeline::recording_key(shorter), {}, "load", trigger_folder);
  add_task(pipeline::recording_key(other_name), {}, "load", "copied");
  const dj::Row shorter_task = task_key(pipeline::recording_key(shorter));
  const dj::Row other_task = task_key(pipeline::recording_key(other_name));
  const auto before_shorter = rows_matching(shorter_task);
  const auto before_other = rows_matching(other_task);

  auto results = populate_all();
  EXPECT_EQ(results[kFacialSignal].made, 0);
  EXPECT_EQ(results[kFacialSignal].errors.size(), 2u);
  fmtest::expect_mentions(job_error(kFacialSignal, shorter_task),
                          {made.string() + " is not the result of recording", "recording_id: 1",
                           "it holds 40 frames, the recording has 30"});
  fmtest::expect_mentions(job_error(kFacialSignal, other_task),
                          {(raw / "copied/side_proc.npy").string(), "recording_id: 2",
                           "it was made from [face.avi], the recording's files are [side.avi]"});
  // FacemapProcessing only found the files; FacialSignal kept nothing.
  EXPECT_EQ(tables_changed(shorter_task, before_shorter), std::set<std::string>{kProcessing});
  EXPECT_EQ(tables_changed(other_task, before_other), std::set<std::string>{kProcessing});
}

TEST_F(ResultCollisions, FacialSignalWithoutTheRecordingsInfoIsRefused) {
  write_video("m1/s1/face.avi");
  const auto recording = entry(0, {"m1/s1/face.avi"});
  pipeline::ingest(*pipe, {recording});
  add_task(pipeline::recording_key(recording), {});
  dj::PopulateOptions options;
  options.suppress_errors = true;
  dj::PopulateResult signal;
  for (auto& [name, table] : pipeline::computations(*pipe, roots)) {
    if (name == kProcessing) table->populate(options);
    if (name == kFacialSignal) signal = table->populate(options);
  }
  EXPECT_EQ(signal.made, 0);
  fmtest::expect_mentions(
      job_error(kFacialSignal, task_key(pipeline::recording_key(recording))),
      {"has no RecordingInfo", "face_proc.npy", "populate RecordingInfo first"});
}

TEST_F(ResultCollisions, TriggerTasksWhoseStoredFolderWouldMakeThemWriteOneFileAreRefused) {
  for (const char* folder : {"a", "b"}) fs::create_directories(raw / "m1/s1" / folder);
  write_video("m1/s1/a/face.avi");
  write_video("m1/s1/b/face.avi");
  write_video("m1/s1/side.avi");
  const auto a = entry(0, {"m1/s1/a/face.avi"});
  const auto b = entry(1, {"m1/s1/b/face.avi"});
  const auto side = entry(2, {"m1/s1/side.avi"});
  pipeline::ingest(*pipe, {a, b, side});
  add_task(pipeline::recording_key(a), {}, "trigger", "shared");
  add_task(pipeline::recording_key(b), {}, "trigger", "shared/");  // the same folder
  add_task(pipeline::recording_key(side), {}, "trigger", "shared");

  auto results = populate_all();
  EXPECT_EQ(results[kProcessing].made, 1);  // side.avi's results have a name of their own
  EXPECT_EQ(results[kProcessing].errors.size(), 2u);
  const auto refused = [](const std::string& folder, int other) {
    return "trigger mode: the output folder '" + folder +
           "' is also that of task {subject: 'm1', session_datetime: '2024-05-06 07:08:09', "
           "recording_id: " +
           std::to_string(other) +
           ", facemap_task_id: 0}, whose results for a video named face would overwrite these; "
           "give each task its own facemap_output_dir";
  };
  fmtest::expect_mentions(job_error(kProcessing, task_key(pipeline::recording_key(a))),
                          {refused("shared", 1)});
  fmtest::expect_mentions(job_error(kProcessing, task_key(pipeline::recording_key(b))),
                          {refused("shared/", 0)});
  EXPECT_EQ(files_under(roots.processed_root() / "shared"),
            std::vector<fs::path>{roots.processed_root() / "shared/side_proc.npy"});
}
