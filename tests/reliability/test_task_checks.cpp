// A processing task that cannot be computed is refused when it is created: sbin or the
// component count out of range, a region in another view, and, once RecordingInfo knows the
// recording's frame size, regions outside the frame or smaller than one binned pixel and an
// sbin larger than the frame. A task created before the size is known is checked by
// FacemapProcessing before it makes anything: the error names the region and the frame, and no
// output folder is left behind.

#include "pipeline/task_params.hpp"
#include "pipeline/tasks.hpp"
#include "reliability/bad_input_pipeline.hpp"

namespace fs = std::filesystem;

namespace {

constexpr const char* kRecordingInfo = "facial_behavior_estimation.RecordingInfo";
constexpr const char* kProcessing = "facial_behavior_estimation.FacemapProcessing";
constexpr const char* kTasks = "facial_behavior_estimation.FacemapTask";

class TaskChecks : public fmtest::BadInputPipeline {
 protected:
  void SetUp() override {
    BadInputPipeline::SetUp();
    write_video("m1/s1/face.avi", 96);
    pipeline::ingest(*pipe, {entry(0, {"m1/s1/face.avi"})});
  }
  pipeline::ProcessingTask task(int task_id) const {
    pipeline::ProcessingTask spec;
    spec.recording = pipeline::recording_key(entry(0, {}));
    spec.task_id = task_id;
    spec.params.components = 5;
    spec.params.movie_svd = false;
    return spec;
  }
  /// The message add_processing_task refuses `spec` with, or "accepted".
  std::string refusal(const pipeline::ProcessingTask& spec) {
    try {
      pipeline::add_processing_task(*pipe, spec);
    } catch (const std::invalid_argument& error) {
      return error.what();
    }
    return "accepted";
  }
  // Pupil and blink regions need a saturation (they are refused without one); 100 will do.
  static facemap::Roi region(facemap::RoiType type, int y0, int y1, int x0, int x1) {
    return pipeline::rectangle_roi(type, y0, y1, x0, x1, 100);
  }
};

}  // namespace

TEST_F(TaskChecks, OutOfRangeParametersAreRefusedWhenTheTaskIsCreated) {
  auto sbin = task(1);
  sbin.params.sbin = 0;
  fmtest::expect_mentions(refusal(sbin), {"processing task 1 of recording", "sbin", "at least 1"});
  auto components = task(2);
  components.params.components = 0;
  fmtest::expect_mentions(refusal(components), {"ncomp: must be at least 1, not 0"});
  auto view = task(3);
  view.params.rois = {region(facemap::RoiType::pupil, 10, 20, 10, 20)};
  view.params.rois[0].view = 1;
  fmtest::expect_mentions(refusal(view), {"region 0 'Pupil': is in view 1"});
  EXPECT_EQ(pipe->table(kTasks).count(), 0);
}

TEST_F(TaskChecks, RegionsOutsideTheFrameAreRefusedOnceTheFrameSizeIsKnown) {
  populate_all();  // RecordingInfo: 96 x 96 pixels
  ASSERT_EQ(pipe->table(kRecordingInfo).count(), 1);
  auto outside = task(1);
  outside.params.rois = {region(facemap::RoiType::motion, 10, 40, 10, 40),
                         region(facemap::RoiType::pupil, 80, 120, 10, 40)};
  EXPECT_EQ(refusal(outside),
            "processing task 1 of recording " + outside.recording.to_display() +
                ": region 1 'Pupil': its rows [80, 120) lie outside the frame of 96x96 pixels "
                "([0, 96))");
  auto columns = task(2);
  columns.params.rois = {region(facemap::RoiType::running, 10, 40, 90, 97)};
  fmtest::expect_mentions(refusal(columns), {"region 0 'Running': its columns [90, 97) lie"});
  auto large_sbin = task(3);
  large_sbin.params.sbin = 97;
  fmtest::expect_mentions(refusal(large_sbin),
                          {"sbin 97: must be from 1 to 96 for the recording's frame of 96x96"});
  auto tiny = task(4);
  tiny.params.sbin = 8;
  tiny.params.rois = {region(facemap::RoiType::motion, 10, 14, 10, 40)};
  fmtest::expect_mentions(refusal(tiny),
                          {"region 0 'motion SVD': is smaller than one binned pixel at sbin 8"});
  EXPECT_EQ(pipe->table(kTasks).count(), 0);

  auto good = task(5);
  good.params.sbin = 8;
  good.params.rois = {region(facemap::RoiType::motion, 10, 40, 10, 40),
                      region(facemap::RoiType::pupil, 50, 96, 0, 96)};
  EXPECT_EQ(refusal(good), "accepted");
}

TEST_F(TaskChecks, ATaskMadeBeforeTheSizeWasKnownFailsBeforeMakingItsFolder) {
  auto outside = task(0);
  outside.params.rois = {region(facemap::RoiType::blink, 10, 40, 60, 130)};
  ASSERT_EQ(refusal(outside), "accepted");  // the frame size is not known yet
  auto results = populate_all();
  EXPECT_EQ(results[kRecordingInfo].made, 1);
  EXPECT_EQ(results[kProcessing].made, 0);
  fmtest::expect_mentions(job_error(kProcessing, pipeline::recording_key(entry(0, {}))),
                          {"region 0 'Blink': its columns [60, 130) lie outside the frame of "
                           "96x96 pixels"});
  EXPECT_FALSE(
      fs::exists(roots.processed_root() / "m1/s1/facemap_m1_2024-05-06_07-08-09_recording0_task0"));
  EXPECT_FALSE(fs::exists(roots.processed_root()));
}
