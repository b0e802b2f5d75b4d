// The report of a fully analysed synthetic recording (support/populated_pipeline.hpp): every
// figure decodes, has its size and is not blank, and the page shows them all with the
// recording's metadata; parts a recording lacks are notes, not errors; `fmpipe report` selects a
// recording and prints the page's path.

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "pipeline/computations.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/report.hpp"
#include "pipeline/task_params.hpp"
#include "pipeline/tasks.hpp"
#include "support/command.hpp"
#include "support/populated_pipeline.hpp"

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> file_names(const std::vector<fs::path>& paths) {
  std::vector<std::string> names;
  for (const auto& path : paths) names.push_back(path.filename().string());
  return names;
}

int distinct_colours(const cv::Mat& image) {
  std::set<std::uint32_t> colours;
  for (auto pixel = image.begin<cv::Vec3b>(); pixel != image.end<cv::Vec3b>(); ++pixel)
    colours.insert(std::uint32_t((*pixel)[0]) << 16 | std::uint32_t((*pixel)[1]) << 8 |
                   (*pixel)[2]);
  return int(colours.size());
}

class RecordingReport : public fmtest::PopulatedPipelineTest {
 protected:
  fs::path folder() const { return root / "report"; }
};

TEST_F(RecordingReport, EveryFigureIsDrawnAndShownWithTheMetadata) {
  const pipeline::Report report = pipeline::write_report(*pipe, *roots, recording, folder());
  EXPECT_EQ(report.index, folder() / "index.html");
  // Regions are numbered as the task lists them (pupil, whiskers, blink, running: 1 to 4), as
  // in FacialSignal: the full frame (region 0) and the whisker region (2) carry motion SVDs.
  const std::vector<std::string> expected = {"task0_regions.png",
                                             "task0_region0_motion_masks.png",
                                             "task0_region0_motion_svd.png",
                                             "task0_region2_motion_masks.png",
                                             "task0_region2_motion_svd.png",
                                             "task0_region1_pupil.png",
                                             "task0_region3_blink.png",
                                             "task0_region4_running.png",
                                             "model1_task0_keypoints_frame.png",
                                             "model1_task0_keypoint_traces.png"};
  EXPECT_EQ(file_names(report.figures), expected);
  EXPECT_TRUE(report.notes.empty()) << report.notes.front();

  const std::string html = read_text(report.index);
  for (const auto& png : report.figures) {
    SCOPED_TRACE(png.filename().string());
    const cv::Mat image = cv::imread(png.string(), cv::IMREAD_COLOR);
    ASSERT_FALSE(image.empty());
    EXPECT_GE(image.cols, 640);
    EXPECT_LE(image.cols, 1100);
    EXPECT_GE(image.rows, 400);
    EXPECT_LE(image.rows, 800);
    // Drawn on, not a plain background: the pixels vary and take many colours.
    cv::Scalar mean, deviation;
    cv::meanStdDev(image, mean, deviation);
    EXPECT_GT(deviation[0] + deviation[1] + deviation[2], 60);
    EXPECT_GT(distinct_colours(image), 40);
    EXPECT_NE(html.find("<img src=\"" + png.filename().string() + "\""), std::string::npos);
  }
  // Traces are 1000 pixels wide; the 128 x 128 frame is enlarged 5 times (640 pixels).
  EXPECT_EQ(cv::imread((folder() / "task0_region1_pupil.png").string()).cols, 1000);
  EXPECT_EQ(cv::imread((folder() / "task0_regions.png").string()).cols, 640 + 40);

  for (const char* shown :
       {"m1", "2024-05-06 07:08:09", "m1/s1/face.avi", "camera0", "<th>nframes</th><td>60</td>",
        "<th>fps</th><td>30", "<th>px_width</th><td>128</td>", "recording_time",
        "<th>sbin</th><td>4</td>", "saturation 110", "1 reflector(s)",
        // One number for a region: its line, its figures' files and their captions.
        "<th>region 1</th><td>pupil region", "<th>region 2</th><td>motion region",
        "(region 1) (task 0)", "(region 2) (task 0)", "<th>region 4</th><td>running region",
        "<th>model_name</th><td>demo</td>", "inference_completion_time"}) {
    EXPECT_NE(html.find(shown), std::string::npos) << shown;
  }
}

TEST_F(RecordingReport, AbsentPartsAreNotesNotErrors) {
  // A second task with a motion region only, and the video moved away.
  pipeline::ProcessingTask task;
  task.recording = recording;
  task.task_id = 1;
  task.params.components = 5;
  task.params.movie_svd = false;
  task.params.rois = {pipeline::rectangle_roi(facemap::RoiType::motion, 16, 64, 80, 128)};
  pipeline::add_processing_task(*pipe, task);
  for (auto& [name, table] : pipeline::computations(*pipe, *roots)) table->populate();
  fs::rename(root / "raw/m1/s1/face.avi", root / "face.avi");

  pipeline::ReportOptions options;
  options.task_id = 1;
  options.components = 3;
  const auto report = pipeline::write_report(*pipe, *roots, recording, folder(), options);
  EXPECT_EQ(file_names(report.figures),
            (std::vector<std::string>{
                "task1_regions.png", "task1_region0_motion_masks.png",
                "task1_region0_motion_svd.png", "task1_region1_motion_masks.png",
                "task1_region1_motion_svd.png", "model1_task0_keypoint_traces.png"}));
  ASSERT_EQ(report.notes.size(), 4u);
  EXPECT_EQ(report.notes[0], "No pupil region (task 1).");
  EXPECT_EQ(report.notes[1], "No blink region (task 1).");
  EXPECT_EQ(report.notes[2], "No running region (task 1).");
  EXPECT_NE(report.notes[3].find(
                "not drawn over a frame (model 1, inference task 0): the video cannot be read"),
            std::string::npos)
      << report.notes[3];
  const std::string html = read_text(report.index);
  EXPECT_NE(html.find("<p class=\"note\">No pupil region (task 1).</p>"), std::string::npos);
  EXPECT_EQ(html.find("src=\"task0_"), std::string::npos);  // only the task asked for

  // A recording with nothing computed yet.
  const pipeline::RecordingEntry bare{
      "m2", "F",       "2024-01-01",      "", "2024-05-07 08:00:00", "m2/s1",
      0,    "camera0", {"m2/s1/face.avi"}};
  pipeline::ingest(*pipe, {bare});
  const auto empty =
      pipeline::write_report(*pipe, *roots, pipeline::recording_key(bare), root / "bare");
  EXPECT_TRUE(empty.figures.empty());
  ASSERT_EQ(empty.notes.size(), 3u);
  EXPECT_NE(empty.notes[0].find("RecordingInfo has no row"), std::string::npos);
  EXPECT_NE(empty.notes[1].find("No SVD analysis"), std::string::npos);
  EXPECT_NE(empty.notes[2].find("No keypoints"), std::string::npos);

  EXPECT_THROW(pipeline::write_report(*pipe, *roots, {{"subject", "m1"}}, root / "x"),
               std::invalid_argument);  // not a whole key
  dj::Row missing = recording;
  missing.set("recording_id", 7);
  EXPECT_THROW(pipeline::write_report(*pipe, *roots, missing, root / "x"), std::invalid_argument);
}

TEST_F(RecordingReport, TheCommandSelectsARecordingAndPrintsThePage) {
  const std::string fmpipe = std::string(FMPIPE_BINARY_DIR) + "/fmpipe";
  const std::vector<std::string> environment = {"DATABASE_URL=" + fmtest::database_url(),
                                                "FMPIPE_SCHEMA_PREFIX=" + prefix,
                                                "FACEMAP_ROOT_DATA_DIR=" + (root / "raw").string()};
  const auto result = fmtest::run_command(
      {fmpipe, "report", "--subject", "m1", "--model-id", "1", "--out", folder().string()},
      environment);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const fs::path index = folder() / "index.html";
  EXPECT_NE(result.output.find(index.string() + "\n"), std::string::npos) << result.output;
  EXPECT_TRUE(fs::exists(index));
  EXPECT_TRUE(fs::exists(folder() / "model1_task0_keypoints_frame.png"));

  const auto none = fmtest::run_command(
      {fmpipe, "report", "--subject", "nobody", "--out", folder().string()}, environment);
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.output.find("no recording matches"), std::string::npos) << none.output;
}

}  // namespace
