#include "support/synthetic_recordings.hpp"

#include "pipeline/computations.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/tasks.hpp"
#include "support/test_database.hpp"

namespace fs = std::filesystem;

namespace fmtest {

facemap::SynthParams small_face(int nframes) {
  facemap::SynthParams synth;
  synth.height = 64;
  synth.width = 64;
  synth.nframes = nframes;
  return synth;
}

SyntheticRecordings::SyntheticRecordings(dj::Connection& connection, std::string database_url,
                                         std::string prefix)
    : folder(fs::temp_directory_path() / unique_schema_name("fmpipe_recordings")),
      raw(folder / "raw"),
      processed(folder / "processed"),
      pipe(connection, std::move(prefix)),
      database_url_(std::move(database_url)) {
  fs::create_directories(raw);
}

SyntheticRecordings::~SyntheticRecordings() {
  std::error_code ignored;
  fs::remove_all(folder, ignored);
}

dj::Row SyntheticRecordings::add(int recording_id, const facemap::SynthParams& synth,
                                 int components) {
  const std::string video = "m1/r" + std::to_string(recording_id) + "/face.avi";
  const facemap::SyntheticFace face(synth);
  fs::create_directories((raw / video).parent_path());
  facemap::write_synthetic_video(face, raw / video, raw / (video + ".truth.npy"));
  pipeline::RecordingEntry entry;
  entry.subject = "m1";
  entry.subject_birth_date = "2024-01-01";
  entry.session_datetime = "2024-05-06 07:08:09";
  entry.session_dir = "m1";
  entry.recording_id = recording_id;
  entry.files = {video};
  pipeline::ingest(pipe, {entry});
  pipeline::ProcessingTask task;
  task.recording = pipeline::recording_key(entry);
  task.params.movie_svd = false;
  task.params.components = components;
  const auto rois = face.rois();
  task.params.rois = {rois.pupil, rois.blink, rois.running};
  pipeline::add_processing_task(pipe, task);
  dj::Row key = task.recording;
  key.set("facemap_task_id", task.task_id);
  return key;
}

std::vector<std::string> SyntheticRecordings::environment() const {
  return {"DATABASE_URL=" + database_url_, "FMPIPE_SCHEMA_PREFIX=" + pipe.prefix(),
          "FACEMAP_ROOT_DATA_DIR=" + raw.string(),
          "FACEMAP_PROCESSED_DATA_DIR=" + processed.string()};
}

pipeline::DataRoots SyntheticRecordings::roots() const {
  return pipeline::DataRoots({raw}, processed);
}

dj::PopulateResult SyntheticRecordings::populate(const std::string& table) {
  for (auto& [name, maker] : pipeline::computations(pipe, roots())) {
    if (name == table) return maker->populate();
  }
  throw std::invalid_argument(table + " is not computed by populate");
}

dj::JobTable SyntheticRecordings::jobs(const std::string& table) const {
  return dj::JobTable(pipe.table(table));
}

long long SyntheticRecordings::count(const std::string& table) const {
  return pipe.table(table).count();
}

std::map<std::string, long long> SyntheticRecordings::facial_signal_counts() const {
  std::map<std::string, long long> counts;
  for (const std::string& name : pipe.table_names()) {
    if (name == kFacialSignal || name.rfind(kFacialSignal + ".", 0) == 0)
      counts[name.substr(kFacialSignal.size())] = count(name);
  }
  return counts;
}

std::map<std::string, long long> facial_signal_rows(long long keys, long long components) {
  return {{"", keys},
          {".Summary", keys},
          {".Region", 4 * keys},
          {".MotionSVD", components * keys},
          {".MovieSVD", 0},
          {".Pupil", keys},
          {".Blink", keys},
          {".Running", keys}};
}

void SyntheticPipelineTest::SetUp() {
  PipelineTest::SetUp();
  recordings = std::make_unique<SyntheticRecordings>(*connection, database_url(), prefix);
}

void SyntheticPipelineTest::TearDown() {
  recordings.reset();
  PipelineTest::TearDown();
}

}  // namespace fmtest
