// The SVD side of the pipeline end to end: a synthetic face video is ingested, processed in
// trigger mode (our engine, writing a _proc.npy) and in load mode (Facemap's own file), and
// the results are queried back from the database.

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "dj/blob.hpp"
#include "facemap/io/npy.hpp"
#include "facemap/io/proc_file.hpp"
#include "synth/synthetic_face.hpp"
#include "pipeline/computations.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/tables.hpp"
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

Eigen::MatrixXf summary_matrix(const dj::Row& row, const std::string& attribute) {
  return dj::unpack_matrix<Eigen::MatrixXf>(row, attribute);
}

/// The component rows of one region's MotionSVD or MovieSVD against Facemap's arrays: masks
/// (ly, lx, ncomp), projections (nframes, ncomp) and singular values (empty: all NULL).
void expect_components_equal(const dj::Query& rows, const std::string& mask_name,
                             const facemap::RowMajorArray& masks, const facemap::RowMajorArray& projections,
                             const std::vector<float>& singular_values) {
  ASSERT_EQ(masks.ndim(), 3u);
  const auto ly = masks.shape()[0], lx = masks.shape()[1], ncomp = masks.shape()[2];
  const Eigen::MatrixXf pixels = masks.reshaped_matrix<float>(ly * lx, ncomp);
  const Eigen::MatrixXf traces = projections.matrix<float>();
  ASSERT_EQ(traces.cols(), ncomp);
  if (!singular_values.empty()) {
    ASSERT_EQ(singular_values.size(), static_cast<std::size_t>(ncomp));
  }
  dj::FetchOptions order;
  order.order_by = {"component_id"};
  const auto components = rows.fetch(order);
  ASSERT_EQ(components.size(), static_cast<std::size_t>(ncomp));
  int mask_differences = 0, projection_differences = 0, singular_value_differences = 0;
  for (Eigen::Index k = 0; k < ncomp; ++k) {
    const dj::Row& component = components[static_cast<std::size_t>(k)];
    EXPECT_EQ(component.get<int>("component_id"), k);
    const Eigen::MatrixXf mask = dj::unpack_matrix<Eigen::MatrixXf>(component, mask_name);
    ASSERT_EQ(mask.rows(), ly);
    ASSERT_EQ(mask.cols(), lx);
    for (Eigen::Index y = 0; y < mask.rows(); ++y)
      for (Eigen::Index x = 0; x < mask.cols(); ++x)
        mask_differences += mask(y, x) != pixels(y * mask.cols() + x, k);
    const Eigen::VectorXf projection = dj::unpack_matrix<Eigen::VectorXf>(component, "projection");
    projection_differences += !(projection == traces.col(k));
    if (singular_values.empty()) {
      singular_value_differences += !component.is_null("singular_value");
    } else {
      singular_value_differences +=
          component.is_null("singular_value") ||
          component.get<float>("singular_value") != singular_values[static_cast<std::size_t>(k)];
    }
  }
  EXPECT_EQ(mask_differences, 0) << "mask elements differ";
  EXPECT_EQ(projection_differences, 0) << "projections differ";
  EXPECT_EQ(singular_value_differences, 0) << "singular values differ";
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
  // Regions are numbered as the task lists them (pupil 1, motion 2, blink 3, running 4); the
  // full frame (0) and the motion region carry SVDs.
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
  // Region 2 (the whiskers, 13 x 12 binned pixels) keeps as many components as the full frame:
  // the task's 50, as 240 frames are one SVD chunk that keeps up to nframes - 1 components (and
  // both regions have more pixels than that). Should a single chunk keep another number, adapt
  // `kept` here; the count is asserted exactly so that a lost component cannot go unnoticed.
  const int kept = std::min(task.params.components, synth.nframes - 1);
  EXPECT_EQ((pipe.table(s + "MotionSVD") & dj::Row{{"roi_no", 2}}).count(), kept);
  EXPECT_EQ((pipe.table(s + "MovieSVD") & dj::Row{{"roi_no", 2}}).count(), kept);

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
  const auto axdir = dj::unpack_blob(pupil, "axdir").as<dj::ColumnMajorArray>();
  EXPECT_EQ(axdir.shape(), (dj::Shape{240, 2, 2}));
  // The centre follows the truth in the open-eye frames (0.04 px median, 0.27 px largest seen).
  std::vector<double> centre_errors;
  for (Eigen::Index t = 0; t < 240; ++t) {
    if (truth.lid_closure(t) > 0 || std::isnan(com(t, 0))) continue;
    centre_errors.push_back(
        std::hypot(com(t, 0) - truth.pupil_centre(t, 0), com(t, 1) - truth.pupil_centre(t, 1)));
  }
  ASSERT_GT(centre_errors.size(), 200u);
  std::sort(centre_errors.begin(), centre_errors.end());
  EXPECT_LT(centre_errors[centre_errors.size() / 2], 0.1);
  EXPECT_LT(centre_errors.back(), 0.5);

  // Blink: the eye region's brightness drops as the lid closes (correlation -0.81 seen); every
  // frame at least half closed lies below every open frame (7.8e3 and 13.2e3 seen).
  const Eigen::VectorXd blink =
      dj::unpack_matrix<Eigen::VectorXd>(pipe.table(s + "Blink").fetch1(), "blink");
  ASSERT_EQ(blink.size(), 240);
  EXPECT_LT(correlation(blink, truth.lid_closure), -0.7);
  double open_lowest = INFINITY, closed_highest = -INFINITY;
  for (Eigen::Index t = 0; t < 240; ++t) {
    if (truth.lid_closure(t) >= 0.5) closed_highest = std::max(closed_highest, blink(t));
    if (truth.lid_closure(t) == 0) open_lowest = std::min(open_lowest, blink(t));
  }
  EXPECT_GE(truth.blink_frames().size(), 5u);
  EXPECT_LT(closed_highest, open_lowest);

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
  // The regions come back in the task's order, as the engine had them.
  ASSERT_EQ(from_db.rois.size(), 4u);
  for (size_t i = 0; i < from_db.rois.size(); ++i) {
    EXPECT_EQ(from_db.rois[i].type, from_file.rois[i].type) << i;
    EXPECT_EQ(from_db.rois[i].yrange, from_file.rois[i].yrange) << i;
  }
  EXPECT_EQ(from_db.rois[0].type, facemap::RoiType::pupil);
  for (size_t r = 0; r < from_db.svd_regions.size(); ++r)
    EXPECT_EQ(from_db.svd_regions[r].roi_no, from_file.svd_regions[r].roi_no) << r;
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
  const auto made = populate_all(pipe);
  EXPECT_EQ(made.at("facial_behavior_estimation.FacialSignal"), 1);
  const std::string s = "facial_behavior_estimation.FacialSignal.";
  EXPECT_EQ((pipe.table(s + "MotionSVD") & dj::Row{{"roi_no", 0}}).count(), 500);
  EXPECT_EQ((pipe.table(s + "MotionSVD") & dj::Row{{"roi_no", 2}}).count(), 390);
  const auto summary = pipe.table(s + "Summary").fetch1();
  EXPECT_EQ(summary.get<int>("sbin"), 4);
  EXPECT_EQ(dj::unpack_matrix<Eigen::MatrixXf>(summary, "avgframe").rows(), 40);
  EXPECT_EQ(pipe.table(s + "Pupil").count(), 1);
  EXPECT_EQ(pipe.table(s + "Blink").count(), 1);
  EXPECT_EQ(pipe.table(s + "Running").count(), 1);
  EXPECT_EQ(pipe.table("facial_behavior_estimation.RecordingInfo").fetch1().get<int>("nframes"),
            2450);

  // What was ingested, value by value, against Facemap's file itself (its pickled dict, read
  // without our proc-file reader): every figure in the database must be Facemap's.
  const facemap::pickle::Value file = facemap::read_npy_object(proc);
  const facemap::pickle::Dict& facemaps = file.as_dict();
  EXPECT_TRUE(summary_matrix(summary, "avgframe") ==
              facemaps.at("avgframe_reshape").as_ndarray().matrix<float>());
  EXPECT_TRUE(summary_matrix(summary, "avgmotion") ==
              facemaps.at("avgmotion_reshape").as_ndarray().matrix<float>());

  // Regions: 0 the full frame, then rois[n - 1] as region n: the pupil (1), the motion region
  // (2), blink (3) and running (4).
  const auto& rois = facemaps.at("rois").as_list();
  ASSERT_EQ(rois.size(), 4u);
  const std::map<int, int> roi_of_region{{1, 0}, {2, 1}, {3, 2}, {4, 3}};
  EXPECT_EQ(pipe.table(s + "Region").count(), 5);
  const dj::Row full = (pipe.table(s + "Region") & dj::Row{{"roi_no", 0}}).fetch1();
  EXPECT_TRUE(full.is_null("yrange"));
  EXPECT_TRUE(full.is_null("xrange"));
  for (const auto& [roi_no, index] : roi_of_region) {
    SCOPED_TRACE("region " + std::to_string(roi_no));
    const dj::Row region = (pipe.table(s + "Region") & dj::Row{{"roi_no", roi_no}}).fetch1();
    const facemap::pickle::Dict& roi = rois[static_cast<std::size_t>(index)].as_dict();
    EXPECT_EQ(region.get<std::string>("roi_name"), roi.at("rtype").as_str());
    for (const std::string range : {"yrange", "xrange", "yrange_bin", "xrange_bin"}) {
      if (roi.contains(range)) {
        EXPECT_EQ(dj::unpack_vector<std::int64_t>(region, range),
                  roi.at(range).as_ndarray().values<std::int64_t>())
            << range;
      } else {
        EXPECT_TRUE(region.is_null(range)) << range;  // Facemap bins motion regions only
      }
    }
    if (roi_no != 2) {
      EXPECT_TRUE(region.is_null("motion"));
    }
  }

  // Motion energy, masks, projections and singular values of both SVD regions (Facemap's
  // entries 0 and 1: regions 0 and 2). Facemap keeps one motSv / movSv, the last region's (390
  // values, region 2's); region 0's are unknown, NULL.
  const auto& motion = facemaps.at("motion").as_list();
  ASSERT_EQ(motion.size(), 2u);
  for (const auto& [r, roi_no] : std::map<std::size_t, int>{{0, 0}, {1, 2}}) {
    SCOPED_TRACE("region " + std::to_string(roi_no));
    const dj::Row region = (pipe.table(s + "Region") & dj::Row{{"roi_no", roi_no}}).fetch1();
    EXPECT_EQ(dj::unpack_vector<float>(region, "motion"), motion[r].as_ndarray().values<float>());
    for (const bool movie : {false, true}) {
      SCOPED_TRACE(movie ? "MovieSVD" : "MotionSVD");
      const facemap::RowMajorArray& masks =
          facemaps.at(movie ? "movMask_reshape" : "motMask_reshape").as_list()[r].as_ndarray();
      const facemap::RowMajorArray& projections =
          facemaps.at(movie ? "movSVD" : "motSVD").as_list()[r].as_ndarray();
      const std::vector<float> singular_values =
          facemaps.at(movie ? "movSv" : "motSv").as_ndarray().values<float>();
      expect_components_equal(
          pipe.table(s + (movie ? "MovieSVD" : "MotionSVD")) & dj::Row{{"roi_no", roi_no}},
          movie ? "movmask" : "motmask", masks, projections,
          roi_no == 2 ? singular_values : std::vector<float>{});
    }
  }

  // Pupil: the traces as Facemap wrote them, its centres moved from the region's crop to the
  // frame (Facemap's are crop-relative, the database's full-frame; see proc_file.hpp).
  const facemap::pickle::Dict& pupil_file = facemaps.at("pupil").as_list().at(0).as_dict();
  const dj::Row pupil = pipe.table(s + "Pupil").fetch1();
  EXPECT_EQ(pupil.get<int>("roi_no"), 1);
  const auto file_matrix = [&](const std::string& name) {
    return pupil_file.at(name).as_ndarray().matrix<double>();
  };
  EXPECT_TRUE(
      same_or_both_nan(dj::unpack_matrix<Eigen::VectorXd>(pupil, "area"), file_matrix("area")));
  EXPECT_TRUE(same_or_both_nan(dj::unpack_matrix<Eigen::VectorXd>(pupil, "area_smooth"),
                               file_matrix("area_smooth")));
  EXPECT_TRUE(
      same_or_both_nan(dj::unpack_matrix<Eigen::MatrixXd>(pupil, "axlen"), file_matrix("axlen")));
  const facemap::pickle::Dict& pupil_roi = rois[0].as_dict();
  const double top = pupil_roi.at("yrange").as_ndarray().values<double>().front();
  const double left = pupil_roi.at("xrange").as_ndarray().values<double>().front();
  EXPECT_EQ(top, 10);  // the fixture's pupil region: rows 10..70, columns 10..90
  EXPECT_EQ(left, 10);
  for (const std::string name : {"com", "com_smooth"}) {
    Eigen::MatrixXd expected = file_matrix(name);
    expected.col(0).array() += top;
    expected.col(1).array() += left;
    EXPECT_TRUE(same_or_both_nan(dj::unpack_matrix<Eigen::MatrixXd>(pupil, name), expected))
        << name;
  }
  // axdir (T, 2, 2): element by element in numpy's index order.
  const auto axdir = dj::unpack_blob(pupil, "axdir").as<dj::ColumnMajorArray>();
  const facemap::RowMajorArray& axdir_file = pupil_file.at("axdir").as_ndarray();
  ASSERT_EQ(axdir.shape(), (dj::Shape{2450, 2, 2}));
  ASSERT_EQ(axdir_file.shape(), (facemap::RowMajorArray::Shape{2450, 2, 2}));
  const double* db_axdir = axdir.data<double>();                       // column-major
  const std::vector<double> file_axdir = axdir_file.values<double>();  // C order
  int axdir_differences = 0;
  for (std::size_t t = 0; t < 2450; ++t) {
    for (std::size_t i = 0; i < 2; ++i) {
      for (std::size_t j = 0; j < 2; ++j) {
        const double a = db_axdir[t + 2450 * (i + 2 * j)], b = file_axdir[(t * 2 + i) * 2 + j];
        axdir_differences += !(a == b || (std::isnan(a) && std::isnan(b)));
      }
    }
  }
  EXPECT_EQ(axdir_differences, 0);

  // Blink and running (columns dy, dx).
  const dj::Row blink = pipe.table(s + "Blink").fetch1();
  EXPECT_EQ(blink.get<int>("roi_no"), 3);
  EXPECT_TRUE(same_or_both_nan(dj::unpack_matrix<Eigen::VectorXd>(blink, "blink"),
                               facemaps.at("blink").as_list().at(0).as_ndarray().matrix<double>()));
  const dj::Row running = pipe.table(s + "Running").fetch1();
  EXPECT_EQ(running.get<int>("roi_no"), 4);
  const Eigen::MatrixXd running_file =
      facemaps.at("running").as_list().at(0).as_ndarray().matrix<double>();
  EXPECT_TRUE(
      same_or_both_nan(dj::unpack_matrix<Eigen::VectorXd>(running, "dy"), running_file.col(0)));
  EXPECT_TRUE(
      same_or_both_nan(dj::unpack_matrix<Eigen::VectorXd>(running, "dx"), running_file.col(1)));
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
