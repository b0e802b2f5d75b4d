// The region analyses run together over a video (RoiAnalyzer): on a synthetic face written to an
// FFV1 file and read back, pupil area, blinks and running against the generator's truth; on
// Facemap's fixture video (../shared, skipped when absent) against its truth and against
// Facemap's own pupil and blink traces; and the analyzer's bookkeeping.

// GCC 12 falsely warns inside its AVX-512 intrinsics where Eigen's reductions are inlined.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "facemap/io/npy.hpp"
#include "facemap/io/proc_file.hpp"
#include "facemap/roi/region_crop.hpp"
#include "facemap/roi/roi.hpp"
#include "synth/synthetic_face.hpp"
#include "support/test_database.hpp"

namespace fs = std::filesystem;
using namespace facemap;

namespace {

double correlation(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const Eigen::ArrayXd x = a.array() - a.mean(), y = b.array() - b.mean();
  return (x * y).sum() / std::sqrt((x * x).sum() * (y * y).sum());
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// The entries of `values` at `frames`.
Eigen::VectorXd at(const Eigen::VectorXd& values, const std::vector<int>& frames) {
  Eigen::VectorXd picked(static_cast<Eigen::Index>(frames.size()));
  for (std::size_t i = 0; i < frames.size(); ++i) picked(i) = values(frames[i]);
  return picked;
}

// A region over rows top .. end_row - 1 and columns left .. end_col - 1, as the fixtures' README
// gives them.
Roi region(RoiType type, int top, int end_row, int left, int end_col, double saturation = 0) {
  Roi roi = rectangle_region(type, top, left, end_row - top, end_col - left);
  roi.saturation = saturation;
  return roi;
}

}  // namespace

// A 450-frame synthetic face (three blinks, the wheel in bouts), written as FFV1 and analysed
// from the file with the generator's suggested regions.
class SyntheticVideo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = fs::temp_directory_path() / ("fmpipe_test_roi_" + std::to_string(getpid()));
    fs::create_directories(folder_);
    SynthParams params;
    params.nframes = 450;
    params.seed = 11;
    const SyntheticFace face(params);
    truth_ = std::make_unique<SynthTruth>(
        write_synthetic_video(face, folder_ / "face.avi", folder_ / "truth.npy"));
    traces_ = std::make_unique<RoiTraces>(
        analyze_rois(Recording({folder_ / "face.avi"}), face.rois().all()));
  }
  static void TearDownTestSuite() {
    fs::remove_all(folder_);
    truth_.reset();
    traces_.reset();
  }
  // Frames where the lid is fully open.
  static std::vector<int> open_frames() {
    std::vector<int> frames;
    for (int t = 0; t < truth_->nframes(); ++t)
      if (truth_->lid_closure(t) == 0) frames.push_back(t);
    return frames;
  }

  static fs::path folder_;
  static std::unique_ptr<SynthTruth> truth_;
  static std::unique_ptr<RoiTraces> traces_;
};

fs::path SyntheticVideo::folder_;
std::unique_ptr<SynthTruth> SyntheticVideo::truth_;
std::unique_ptr<RoiTraces> SyntheticVideo::traces_;

TEST_F(SyntheticVideo, PupilAreaAndCentreFollowTheTruth) {
  ASSERT_EQ(traces_->pupils.size(), 1u);
  const PupilTrace& pupil = traces_->pupils[0];
  EXPECT_EQ(pupil.roi_index, 0);
  const std::vector<int> open = open_frames();
  ASSERT_GT(open.size(), 400u);
  const Eigen::VectorXd area = at(pupil.area, open), truth = at(truth_->pupil_area, open);
  EXPECT_GT(correlation(area, truth), 0.99);
  std::vector<double> relative_errors;
  double worst_centre = 0;
  for (int t : open) {
    relative_errors.push_back(std::abs(pupil.area(t) - truth_->pupil_area(t)) /
                              truth_->pupil_area(t));
    worst_centre = std::max(worst_centre, (pupil.com.row(t) - truth_->pupil_centre.row(t)).norm());
  }
  EXPECT_LT(median(relative_errors), 0.05);
  EXPECT_LT(worst_centre, 0.5);
  EXPECT_TRUE(pupil.area_smooth.allFinite());
  EXPECT_TRUE(pupil.com_smooth.allFinite());
  RecordProperty("area_correlation", std::to_string(correlation(area, truth)));
  RecordProperty("area_median_relative_error", std::to_string(median(relative_errors)));
  RecordProperty("worst_centre_error", std::to_string(worst_centre));
}

TEST_F(SyntheticVideo, BlinkTraceDropsAtEveryBlink) {
  ASSERT_EQ(traces_->blinks.size(), 1u);
  const BlinkTrace& blink = traces_->blinks[0];
  EXPECT_EQ(blink.roi_index, 2);
  std::vector<double> open_values;
  for (int t : open_frames()) open_values.push_back(blink.blink(t));
  const double open_level = median(open_values);
  int closed = 0;
  for (int t = 0; t < truth_->nframes(); ++t) {
    if (truth_->lid_closure(t) >= 0.75) {
      ++closed;
      EXPECT_LT(blink.blink(t), 0.3 * open_level) << "frame " << t;
    } else if (truth_->lid_closure(t) == 0) {
      EXPECT_GT(blink.blink(t), 0.7 * open_level) << "frame " << t;
    }
  }
  EXPECT_GE(closed, 6);  // at least two blinks, each with 3 frames at least three quarters shut
}

TEST_F(SyntheticVideo, RunningFollowsTheWheel) {
  ASSERT_EQ(traces_->running.size(), 1u);
  const RunningTrace& running = traces_->running[0];
  EXPECT_EQ(running.roi_index, 3);
  EXPECT_EQ(running.dy(0), 0);
  EXPECT_EQ(running.dx(0), 0);
  for (int t = 1; t < truth_->nframes(); ++t) {
    EXPECT_NEAR(running.dy(t), truth_->wheel_shift(t, 0), 0.5) << "frame " << t;
    EXPECT_NEAR(running.dx(t), truth_->wheel_shift(t, 1), 0.5) << "frame " << t;
  }
}

// Facemap's fixture video with the regions of its region run (fixtures/README.md).
class FixtureVideo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const fs::path video = fmtest::shared_fixture("svd/synth_face.avi");
    if (video.empty()) return;
    const std::vector<Roi> rois = {
        region(RoiType::pupil, 10, 70, 10, 90, 100), region(RoiType::motion, 80, 150, 10, 100),
        region(RoiType::blink, 10, 50, 110, 190, 100), region(RoiType::running, 80, 150, 120, 190)};
    traces_ = std::make_unique<RoiTraces>(analyze_rois(Recording({video}), rois));
    truth_ = std::make_unique<Eigen::MatrixXd>(
        read_npy(fmtest::shared_fixture("svd/synth_face_truth.npy")).matrix<double>());
  }
  static void TearDownTestSuite() {
    traces_.reset();
    truth_.reset();
  }
  static std::unique_ptr<RoiTraces> traces_;
  static std::unique_ptr<Eigen::MatrixXd> truth_;  ///< (2450, 8), columns in the README
};

std::unique_ptr<RoiTraces> FixtureVideo::traces_;
std::unique_ptr<Eigen::MatrixXd> FixtureVideo::truth_;

TEST_F(FixtureVideo, PupilMatchesTheTruth) {
  FMPIPE_SKIP_WITHOUT_SHARED(video, "svd/synth_face.avi");
  const PupilTrace& pupil = traces_->pupils.at(0);
  ASSERT_EQ(pupil.com.rows(), 2450);
  const double worst = (pupil.com - truth_->leftCols(2)).rowwise().norm().maxCoeff();
  EXPECT_LT(worst, 0.1);  // observed 0.035 pixels
  const Eigen::VectorXd ellipse_area = M_PI * truth_->col(2).cwiseProduct(truth_->col(3));
  EXPECT_GT(correlation(pupil.area, ellipse_area), 0.999);
  RecordProperty("worst_centre_error", std::to_string(worst));
}

TEST_F(FixtureVideo, RunningMatchesTheTruth) {
  FMPIPE_SKIP_WITHOUT_SHARED(video, "svd/synth_face.avi");
  const RunningTrace& running = traces_->running.at(0);
  EXPECT_EQ(running.roi_index, 3);
  // The fixture's truth gives the step of the patch's texture offset, which moves the content
  // the other way: frame t shows frame t-1's content moved by minus the truth.
  for (int t = 1; t < 2450; ++t) {
    EXPECT_NEAR(running.dy(t), -(*truth_)(t, 5), 0.5) << "frame " << t;
    EXPECT_NEAR(running.dx(t), -(*truth_)(t, 6), 0.5) << "frame " << t;
  }
}

TEST_F(FixtureVideo, BlinkFollowsTheLid) {
  FMPIPE_SKIP_WITHOUT_SHARED(video, "svd/synth_face.avi");
  EXPECT_GT(correlation(traces_->blinks.at(0).blink, truth_->col(4)), 0.99);
}

TEST_F(FixtureVideo, PupilAndBlinkEqualFacemapsOwn) {
  FMPIPE_SKIP_WITHOUT_SHARED(proc, "svd/synth_face_rois_proc.npy");
  const FacemapResult facemap = read_proc_file(proc);
  // Facemap's own regions (with their stored ellipse masks) give the same traces as ours.
  const RoiTraces traces =
      analyze_rois(Recording({fmtest::shared_fixture("svd/synth_face.avi")}), facemap.rois);
  const PupilTrace &ours = traces.pupils.at(0), &theirs = facemap.pupils.at(0);
  EXPECT_LT(((ours.area - theirs.area).array() / theirs.area.array()).abs().maxCoeff(), 1e-6);
  EXPECT_LT((ours.com - theirs.com).cwiseAbs().maxCoeff(), 1e-4);
  // Smoothing differs only within 15 frames of the ends, where Facemap's window is zero-padded.
  const Eigen::Index inner = ours.area.size() - 30;
  EXPECT_LT((ours.com_smooth - theirs.com_smooth).middleRows(15, inner).cwiseAbs().maxCoeff(),
            1e-4);
  EXPECT_LT(((ours.area_smooth - theirs.area_smooth).array() / theirs.area.array())
                .segment(15, inner)
                .abs()
                .maxCoeff(),
            1e-6);
  // Facemap keeps numpy's unsorted eigenvalue order; ours is descending.
  for (Eigen::Index t = 0; t < theirs.axlen.rows(); ++t) {
    EXPECT_NEAR(ours.axlen(t, 0), theirs.axlen.row(t).maxCoeff(), 1e-4) << "frame " << t;
    EXPECT_NEAR(ours.axlen(t, 1), theirs.axlen.row(t).minCoeff(), 1e-4) << "frame " << t;
  }
  const Eigen::VectorXd &blink = traces.blinks.at(0).blink,
                        &their_blink = facemap.blinks.at(0).blink;
  EXPECT_LT((blink - their_blink).cwiseAbs().maxCoeff(), 1e-9 * their_blink.cwiseAbs().maxCoeff());
}

TEST(RoiAnalyzer, AnalysesOnlyItsKindsAndKeepsRegionIndices) {
  const std::vector<Roi> rois = {
      region(RoiType::motion, 0, 10, 0, 10), region(RoiType::running, 0, 20, 0, 30),
      region(RoiType::keypoint_box, 0, 5, 0, 5), region(RoiType::blink, 5, 15, 5, 25, 100)};
  RoiAnalyzer analyzer(rois, {{40, 50}});
  EXPECT_TRUE(analyzer.has_regions());
  FrameBatch batch;
  batch.views = {{GrayFrame::Constant(40, 50, 80), GrayFrame::Constant(40, 50, 80)}};
  analyzer.add(batch);
  EXPECT_EQ(analyzer.frames(), 2);
  const RoiTraces traces = analyzer.finish();
  EXPECT_TRUE(traces.pupils.empty());
  ASSERT_EQ(traces.running.size(), 1u);
  EXPECT_EQ(traces.running[0].roi_index, 1);
  ASSERT_EQ(traces.blinks.size(), 1u);
  EXPECT_EQ(traces.blinks[0].roi_index, 3);
  // Every pixel of the blink ellipse weighs 100 - 80.
  const double ellipse_pixels = double(inscribed_ellipse(10, 20).count());
  EXPECT_DOUBLE_EQ(traces.blinks[0].blink(1), 20 * ellipse_pixels);
  EXPECT_FALSE(RoiAnalyzer({rois[0]}, {{40, 50}}).has_regions());
}

TEST(RoiAnalyzer, RejectsFramesOutOfOrderAndUnknownViews) {
  Roi roi = region(RoiType::pupil, 0, 10, 0, 10, 50);
  RoiAnalyzer analyzer({roi}, {{20, 20}});
  FrameBatch batch;
  batch.first_frame = 1;
  batch.views = {{GrayFrame::Zero(20, 20)}};
  EXPECT_THROW(analyzer.add(batch), std::invalid_argument);
  analyzer.finish();
  EXPECT_THROW(analyzer.finish(), std::logic_error);
  roi.view = 1;
  EXPECT_THROW(RoiAnalyzer({roi}, {{20, 20}}), std::invalid_argument);
}
