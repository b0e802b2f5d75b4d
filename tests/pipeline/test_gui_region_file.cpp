// A region file saved by Facemap's GUI for a real face video, run end to end: from the CLI
// (`fmpipe task processing --rois-from`) and from a task whose facemap_params DataJoint's own
// Python client inserted (as element-facemap stores them). The pupil must follow the pupil in
// every frame, with the corneal reflector applied.

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "dj/blob.hpp"
#include "facemap/io/proc_settings.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/task_settings.hpp"
#include "pipeline/tasks.hpp"
#include "support/child_process.hpp"
#include "support/command.hpp"
#include "support/synthetic_recordings.hpp"
#include "support/test_database.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kVideo = "real/mouse_face_800x480.mp4";
const std::string kRegions = "real/mouse_face_gui_rois_proc.npy";
const std::string kSession = "2024-05-06 07:08:09";
const std::string kSignal = "facial_behavior_estimation.FacialSignal.";

class GuiRegionFile : public fmtest::SyntheticPipelineTest {
 protected:
  // Runs fmpipe with the pipeline's environment; fails the test on a non-zero exit.
  std::string fmpipe(const std::vector<std::string>& args) {
    auto process = fmtest::ChildProcess::fmpipe(args, recordings->environment());
    const fmtest::ChildExit exit = process.wait(std::chrono::minutes(5));
    EXPECT_EQ(exit.code, 0) << process.output();
    return process.output();
  }

  Eigen::VectorXd pupil_area(int task_id) const {
    const auto row =
        (recordings->pipe.table(kSignal + "Pupil") & dj::Row{{"facemap_task_id", task_id}})
            .fetch1();
    const auto area = dj::unpack_vector<double>(row, "area");
    return Eigen::Map<const Eigen::VectorXd>(area.data(), static_cast<Eigen::Index>(area.size()));
  }
  Eigen::MatrixXd pupil_centres(int task_id) const {
    const auto row =
        (recordings->pipe.table(kSignal + "Pupil") & dj::Row{{"facemap_task_id", task_id}})
            .fetch1();
    return dj::unpack_matrix<Eigen::MatrixXd>(row, "com");
  }
};

// The centroid (row, col, full-frame pixels) of the pixels inside the region's ellipse that are
// darker than its saturation, per frame: an estimate of the pupil's centre made without the
// engine. The bright corneal reflection in the pupil's middle is left out of it, which moves
// the centroid by well under a pixel since the reflection is central.
Eigen::MatrixXd dark_centroids(const fs::path& video, const facemap::Roi& pupil) {
  cv::VideoCapture capture(video.string());
  Eigen::MatrixXd centres(0, 2);
  cv::Mat frame, gray;
  const int top = pupil.yrange.front(), left = pupil.xrange.front();
  while (capture.read(frame)) {
    cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
    double rows = 0, cols = 0, count = 0;
    for (int y = 0; y < pupil.ellipse.rows(); ++y)
      for (int x = 0; x < pupil.ellipse.cols(); ++x)
        if (pupil.ellipse(y, x) && gray.at<std::uint8_t>(top + y, left + x) < pupil.saturation) {
          rows += top + y, cols += left + x, ++count;
        }
    centres.conservativeResize(centres.rows() + 1, 2);
    centres.row(centres.rows() - 1) << rows / count, cols / count;
  }
  return centres;
}

}  // namespace

TEST_F(GuiRegionFile, FromTheCliAndFromDataJointsPythonClientThePupilFollowsThePupil) {
  FMPIPE_SKIP_WITHOUT_SHARED(video, kVideo);
  FMPIPE_SKIP_WITHOUT_SHARED(regions, kRegions);
  const fs::path dj_python = fs::path(FMPIPE_SHARED_DIR) / "tools/datajoint-python/dj-python";
  if (!fs::exists(dj_python)) FMPIPE_WITHOUT_SHARED("needs ../shared/tools/datajoint-python");

  fs::create_directories(recordings->raw / "m1/s1");
  fs::copy_file(video, recordings->raw / "m1/s1/mouse_face_800x480.mp4");
  const pipeline::RecordingEntry entry{"m1", "M",       "2024-01-01",
                                       "",   kSession,  "m1/s1",
                                       0,    "camera0", {"m1/s1/mouse_face_800x480.mp4"}};
  pipeline::ingest(recordings->pipe, {entry});

  // Task 0: the GUI file through the CLI, exactly as a lab would.
  const std::string created = fmpipe({"task", "processing", "--subject", "m1", "--session",
                                      kSession, "--task-id", "0", "--rois-from", regions.string()});
  EXPECT_NE(created.find("3 region(s), sbin 4, full-frame SVD"), std::string::npos) << created;

  // Task 1: the dict np.load gives, inserted by DataJoint's Python client as element-facemap
  // stores it.
  const fs::path script = recordings->folder / "insert_task.py";
  std::ofstream(script) << R"(import sys
import numpy as np
import datajoint as dj
dj.config["safemode"] = False
schema = dj.virtual_schema(sys.argv[1] + "facial_behavior_estimation")
params = np.load(sys.argv[2], allow_pickle=True).item()
schema.FacemapTask.insert1(dict(subject="m1", session_datetime=")"
                        << kSession << R"(", recording_id=0,
    facemap_task_id=1, facemap_output_dir="", task_mode="trigger", facemap_params=params,
    do_mot_svd=True, do_mov_svd=False, task_description="inserted by datajoint-python"))
print("inserted")
)";
  const fmtest::CommandResult inserted =
      fmtest::run_command({dj_python.string(), "--url", fmtest::database_url(), script.string(),
                           recordings->pipe.prefix(), regions.string()});
  ASSERT_EQ(inserted.exit_code, 0) << inserted.output;

  // Task 2: the same regions without the pupil's reflector, to see what the reflector does.
  facemap::ProcSettings settings = facemap::read_proc_settings(regions);
  ASSERT_TRUE(settings.warnings.empty()) << settings.warnings.front();
  const facemap::Roi pupil = settings.rois.at(0);
  ASSERT_EQ(pupil.type, facemap::RoiType::pupil);
  pipeline::ProcessingTask without;
  without.recording = pipeline::recording_key(entry);
  without.task_id = 2;
  without.params.sbin = settings.sbin;
  without.params.full_frame = false;
  without.params.rois = {pupil};
  without.params.rois.front().reflectors.clear();
  pipeline::add_processing_task(recordings->pipe, without);

  fmpipe({"populate"});
  ASSERT_EQ(recordings->count("facial_behavior_estimation.FacialSignal"), 3);

  // What the GUI file asked for, whichever way it came: its three regions, the same traces.
  // The motion region is numbered by its place in the file's list of regions.
  int motion_roi_no = -1;
  for (size_t i = 0; i < settings.rois.size(); ++i)
    if (settings.rois[i].type == facemap::RoiType::motion)
      motion_roi_no = pipeline::region_number(i);
  for (int task : {0, 1}) {
    const dj::Row key{{"facemap_task_id", task}};
    EXPECT_EQ((recordings->pipe.table(kSignal + "Region") & key).count(), 4) << task;
    EXPECT_EQ((recordings->pipe.table(kSignal + "Blink") & key).count(), 1) << task;
    EXPECT_EQ(
        (recordings->pipe.table(kSignal + "MotionSVD") & key & dj::Row{{"roi_no", motion_roi_no}})
            .count(),
        500)
        << task;
  }
  const Eigen::VectorXd area = pupil_area(0);
  ASSERT_EQ(area.size(), 749);
  EXPECT_TRUE(area.cwiseEqual(pupil_area(1)).all());
  EXPECT_TRUE(pupil_centres(0).cwiseEqual(pupil_centres(1)).all());
  // Nothing was left unused: no make left a warning.
  for (const char* table : {"FacemapProcessing", "FacialSignal"})
    EXPECT_EQ(
        recordings->jobs(std::string("facial_behavior_estimation.") + table).progress().warned, 0)
        << table;

  // The pupil is found in every frame, where its dark pixels are.
  EXPECT_EQ(area.array().isNaN().count(), 0);
  const Eigen::MatrixXd centres = pupil_centres(0);
  const Eigen::MatrixXd dark = dark_centroids(video, pupil);
  ASSERT_EQ(dark.rows(), 749);
  // The fit weighs pixels by how much darker than the saturation they are and drops outliers,
  // so its centre sits a pixel or so from the plain centroid (median 1.4 px, largest 4.2 px seen
  // on this video; the pupil is about 54 x 33 px). It must stay inside that margin in every
  // frame, and move with the pupil: the pupil wanders by about 5 px (sd) across the frame and
  // 1 px up and down, and the traces follow it.
  const Eigen::VectorXd miss = (centres - dark).rowwise().norm();
  std::cout << "figure pupil_centre_distance_max " << miss.maxCoeff() << " px\n";
  EXPECT_LT(miss.maxCoeff(), 5.0);
  for (int axis = 0; axis < 2; ++axis) {
    const Eigen::VectorXd fit = centres.col(axis).array() - centres.col(axis).mean();
    const Eigen::VectorXd plain = dark.col(axis).array() - dark.col(axis).mean();
    const double correlation = fit.dot(plain) / std::sqrt(fit.squaredNorm() * plain.squaredNorm());
    std::cout << "figure pupil_centre_correlation_" << (axis ? "column " : "row ") << correlation
              << "\n";
    EXPECT_GT(correlation, axis ? 0.98 : 0.9);
  }

  // The reflector is applied: without it the bright reflection in the pupil's middle weighs
  // nothing, the weight left is spread further from the centre, and the area comes out 23%
  // larger in the median frame (the error a dropped reflector gave, unnoticed, before).
  const Eigen::VectorXd bare = pupil_area(2);
  const Eigen::ArrayXd ratio = bare.array() / area.array();
  std::vector<double> sorted(ratio.data(), ratio.data() + ratio.size());
  std::sort(sorted.begin(), sorted.end());
  std::cout << "figure pupil_area_without_reflector_median_ratio " << sorted[sorted.size() / 2]
            << "\n";
  EXPECT_GT(sorted[sorted.size() / 2], 1.15);
}
