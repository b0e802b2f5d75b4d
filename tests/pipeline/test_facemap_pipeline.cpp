// The SVD side of the pipeline end to end: a synthetic face video is ingested, processed in
// trigger mode (our engine, writing a _proc.npy) and in load mode (Facemap's own file), and
// the results are queried back from the database.

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "dj/blob.hpp"
#include "facemap/proc_file.hpp"
#include "facemap/synth.hpp"
#include "pipeline/computations.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/results.hpp"
#include "pipeline/tasks.hpp"
#include "support/pipeline_test.hpp"

namespace fs = std::filesystem;

namespace {

double correlation(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const Eigen::VectorXd x = a.array() - a.mean(), y = b.array() - b.mean();
  return x.dot(y) / std::sqrt(x.squaredNorm() * y.squaredNorm());
}

/// Equal element by element, NaN matching NaN (failed pupil fits are NaN in both).
bool same_or_both_nan(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         (a.array() == b.array() || (a.array().isNaN() && b.array().isNaN())).all();
}

class FacemapPipeline : public fmtest::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    fs::create_directories(raw / "m1" / "s1");
    fs::create_directories(processed);
  }
  void TearDown() override {
    fs::remove_all(root);
    PipelineTest::TearDown();
  }
  /// Populates every computation; returns the keys made per table.
  std::map<std::string, long long> populate_all(pipeline::Pipeline& pipe) {
    std::map<std::string, long long> made;
    dj::PopulateOptions options;
    options.suppress_errors = true;
    for (auto& [name, table] : pipeline::computations(pipe, roots)) {
      const auto result = table->populate(options);
      for (const auto& [key, message] : result.errors)
        ADD_FAILURE() << name << " " << key.to_display() << ": " << message;
      made[name] = result.made;
    }
    return made;
  }
  pipeline::RecordingEntry entry(const std::string& file) {
    return {"m1", "M", "2024-01-01", "", "2024-05-06 07:08:09", "m1/s1", 0, "camera0", {file}};
  }

  fs::path root = "/tmp/fmpipe_pipeline_" + std::to_string(getpid());
  fs::path raw = root / "raw", processed = root / "processed";
  pipeline::DataRoots roots{{raw}, processed};
};

}  // namespace

TEST_F(FacemapPipeline, TriggerModeOnASyntheticFace) {
  facemap::SynthParams synth;
  synth.height = 128;
  synth.width = 128;
  synth.nframes = 240;
  const facemap::SyntheticFace face(synth);
  const auto truth =
      facemap::write_synthetic_video(face, raw / "m1/s1/face.avi", raw / "m1/s1/face_truth.npy");

  pipeline::Pipeline pipe(*connection, prefix);
  pipeline::ingest(pipe, {entry("m1/s1/face.avi")});
  pipeline::ProcessingTask task;
  task.recording = pipeline::recording_key(entry(""));
  task.params.sbin = 4;
  task.params.components = 50;
  task.params.rois = face.rois().all();
  pipeline::add_processing_task(pipe, task);

  const auto made = populate_all(pipe);
  EXPECT_EQ(made.at("facial_behavior_estimation.RecordingInfo"), 1);
  EXPECT_EQ(made.at("facial_behavior_estimation.FacemapProcessing"), 1);
  EXPECT_EQ(made.at("facial_behavior_estimation.FacialSignal"), 1);
  EXPECT_TRUE(fs::exists(processed /
                         "m1/s1/facemap_m1_2024-05-06_07-08-09_recording0_task0/face_proc.npy"));

  const auto info = pipe.table("facial_behavior_estimation.RecordingInfo").fetch1();
  EXPECT_EQ(info.get<int>("nframes"), 240);
  EXPECT_EQ(info.get<int>("px_height"), 128);
  EXPECT_FLOAT_EQ(info.get<float>("fps"), 30.0f);
  EXPECT_FLOAT_EQ(info.get<float>("recording_duration"), 8.0f);

  const std::string s = "facial_behavior_estimation.FacialSignal.";
  // Full frame (0) and the motion region (1) carry SVDs; pupil, blink and running follow.
  EXPECT_EQ(pipe.table(s + "Region").count(), 5);
  const auto motion = pipe.table(s + "MotionSVD") & dj::Row{{"roi_no", 0}};
  EXPECT_EQ(motion.count(), 50);
  dj::FetchOptions order;
  order.order_by = {"component_id"};
  const auto components = motion.fetch(order);
  EXPECT_GT(components[0].get<double>("singular_value"),
            components[1].get<double>("singular_value"));
  const Eigen::MatrixXf mask = dj::unpack_matrix<Eigen::MatrixXf>(components[0], "motmask");
  EXPECT_EQ(mask.rows(), 32);
  EXPECT_EQ(mask.cols(), 32);
  EXPECT_NEAR(mask.norm(), 1.0, 1e-4);
  EXPECT_EQ(dj::unpack_vector<float>(components[0], "projection").size(), 240u);
  EXPECT_EQ((pipe.table(s + "MovieSVD") & dj::Row{{"roi_no", 0}}).count(), 50);
  EXPECT_GT((pipe.table(s + "MovieSVD") & dj::Row{{"roi_no", 1}}).count(), 0);

  const auto pupil = pipe.table(s + "Pupil").fetch1();
  const auto area = dj::unpack_vector<double>(pupil, "area");
  const Eigen::VectorXd db_area =
      Eigen::Map<const Eigen::VectorXd>(area.data(), static_cast<Eigen::Index>(area.size()));
  Eigen::VectorXd open_area(240), open_truth(240);
  Eigen::Index n = 0;
  for (Eigen::Index t = 0; t < 240; ++t) {
    if (truth.lid_closure(t) > 0 || std::isnan(db_area(t))) continue;
    open_area(n) = db_area(t);
    open_truth(n++) = truth.pupil_area(t);
  }
  EXPECT_GT(n, 200);
  EXPECT_GT(correlation(open_area.head(n), open_truth.head(n)), 0.99);
  const Eigen::MatrixXd com = dj::unpack_matrix<Eigen::MatrixXd>(pupil, "com");
  EXPECT_EQ(com.rows(), 240);
  EXPECT_EQ(com.cols(), 2);
  const auto axdir = dj::unpack_blob(pupil, "axdir").as<dj::NdArray>();
  EXPECT_EQ(axdir.shape(), (dj::Shape{240, 2, 2}));

  const auto running = pipe.table(s + "Running").fetch1();
  const auto dx = dj::unpack_vector<double>(running, "dx");
  int close = 0;
  for (int t = 1; t < 240; ++t)
    close += std::abs(dx[static_cast<size_t>(t)] - truth.wheel_shift(t, 1)) <= 0.5;
  EXPECT_GE(close, 235);

  // The result rebuilt from the database equals the one the engine wrote.
  dj::Row task_key = task.recording;
  task_key.set("facemap_task_id", 0);
  const auto from_db = pipeline::fetch_facial_signal(pipe, task_key);
  const auto from_file = facemap::read_proc_file(
      processed / "m1/s1/facemap_m1_2024-05-06_07-08-09_recording0_task0/face_proc.npy");
  ASSERT_EQ(from_db.svd_regions.size(), from_file.svd_regions.size());
  for (size_t r = 0; r < from_db.svd_regions.size(); ++r) {
    EXPECT_EQ(from_db.svd_regions[r].motion_svd->masks, from_file.svd_regions[r].motion_svd->masks);
    EXPECT_EQ(from_db.svd_regions[r].motion_svd->singular_values,
              from_file.svd_regions[r].motion_svd->singular_values);
    EXPECT_EQ(from_db.svd_regions[r].movie_svd->projections,
              from_file.svd_regions[r].movie_svd->projections);
    EXPECT_EQ(from_db.svd_regions[r].motion, from_file.svd_regions[r].motion);
  }
  ASSERT_EQ(from_db.rois.size(), 4u);
  EXPECT_EQ(from_db.rois[0].type, facemap::RoiType::motion);
  EXPECT_TRUE(same_or_both_nan(from_db.pupils[0].axdir, from_file.pupils[0].axdir));
  EXPECT_TRUE(same_or_both_nan(from_db.pupils[0].area, from_file.pupils[0].area));
  EXPECT_EQ(from_db.running[0].dx, from_file.running[0].dx);
  EXPECT_EQ(from_db.avgframe, from_file.avgframe);

  // A second populate finds nothing to do.
  const auto again = populate_all(pipe);
  EXPECT_EQ(again.at("facial_behavior_estimation.FacialSignal"), 0);
}

TEST_F(FacemapPipeline, LoadModeIngestsFacemapsOwnFile) {
  FMPIPE_SKIP_WITHOUT_SHARED(video, "svd/synth_face.avi");
  FMPIPE_SKIP_WITHOUT_SHARED(proc, "svd/synth_face_rois_proc.npy");
  fs::copy_file(video, raw / "m1/s1/synth_face.avi");
  fs::copy_file(proc, raw / "m1/s1/synth_face_proc.npy");
  pipeline::Pipeline pipe(*connection, prefix);
  pipeline::ingest(pipe, {entry("m1/s1/synth_face.avi")});
  pipeline::ProcessingTask task;
  task.recording = pipeline::recording_key(entry(""));
  task.mode = "load";
  pipeline::add_processing_task(pipe, task);
  populate_all(pipe);
  const std::string s = "facial_behavior_estimation.FacialSignal.";
  EXPECT_EQ((pipe.table(s + "MotionSVD") & dj::Row{{"roi_no", 0}}).count(), 500);
  EXPECT_EQ((pipe.table(s + "MotionSVD") & dj::Row{{"roi_no", 1}}).count(), 390);
  const auto summary = pipe.table(s + "Summary").fetch1();
  EXPECT_EQ(summary.get<int>("sbin"), 4);
  EXPECT_EQ(dj::unpack_matrix<Eigen::MatrixXf>(summary, "avgframe").rows(), 40);
  EXPECT_EQ(pipe.table(s + "Pupil").count(), 1);
  EXPECT_EQ(pipe.table(s + "Blink").count(), 1);
  EXPECT_EQ(pipe.table(s + "Running").count(), 1);
  EXPECT_EQ(pipe.table("facial_behavior_estimation.RecordingInfo").fetch1().get<int>("nframes"),
            2450);
}

TEST_F(FacemapPipeline, BadInputIsRecordedAndLosesNothing) {
  // A truncated video and a missing one: errors name the file; other keys go on.
  facemap::SynthParams synth;
  synth.height = 96;
  synth.width = 96;
  synth.nframes = 60;
  facemap::write_synthetic_video(facemap::SyntheticFace(synth), raw / "m1/s1/good.avi",
                                 root / "truth.npy");
  {
    const auto size = fs::file_size(raw / "m1/s1/good.avi");
    fs::copy_file(raw / "m1/s1/good.avi", raw / "m1/s1/cut.avi");
    fs::resize_file(raw / "m1/s1/cut.avi", size / 2);
  }
  pipeline::Pipeline pipe(*connection, prefix);
  auto good = entry("m1/s1/good.avi");
  auto cut = entry("m1/s1/cut.avi");
  cut.recording_id = 1;
  auto missing = entry("m1/s1/missing.avi");
  missing.recording_id = 2;
  pipeline::ingest(pipe, {good, cut, missing});
  auto computations = pipeline::computations(pipe, roots);
  dj::AutoPopulate& info = *computations.front().second;
  dj::PopulateOptions options;
  options.suppress_errors = true;
  const auto result = info.populate(options);
  EXPECT_EQ(result.made, 1);
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_NE(result.errors[0].second.find("cut.avi"), std::string::npos) << result.errors[0].second;
  EXPECT_NE(result.errors[1].second.find("m1/s1/missing.avi"), std::string::npos)
      << result.errors[1].second;
  EXPECT_EQ(pipe.table("facial_behavior_estimation.RecordingInfo").count(), 1);
  const auto errors = info.jobs().list(dj::JobStatus::error);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].key.get<int>("recording_id"), 1);
}
