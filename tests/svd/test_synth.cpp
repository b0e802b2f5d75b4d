// The synthetic face: the same seed gives the same frames, frames come the same alone or
// streamed, the truth agrees with the pixels (pupil darkness, closed lid, wheel texture,
// keypoints on their features), the video and truth files round-trip, and bad parameters are
// named.

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "facemap/io/npy.hpp"
#include "synth/synthetic_face.hpp"
#include "facemap/video/video.hpp"

namespace fs = std::filesystem;
using namespace facemap;

namespace {

// Noise-free, without the reflection, so that pixels can be compared with the truth exactly.
SynthParams clean_params(int nframes = 120) {
  SynthParams params;
  params.nframes = nframes;
  params.noise_sigma = 0;
  params.corneal_reflection = false;
  return params;
}

// The eye's box of the suggested pupil region, in frame coordinates.
struct Box {
  int top, left, rows, cols;
};

Box pupil_box(const SyntheticFace& face) {
  const Roi roi = face.rois().pupil;
  return {roi.yrange.front(), roi.xrange.front(), int(roi.yrange.size()), int(roi.xrange.size())};
}

int pixel(const GrayFrame& frame, double x, double y) {
  return frame(static_cast<int>(std::lround(y)), static_cast<int>(std::lround(x)));
}

}  // namespace

TEST(SyntheticFace, SameSeedSameFramesOtherSeedOtherFrames) {
  SynthParams params;
  params.nframes = 50;
  const SyntheticFace face(params), again(params);
  params.seed = 2;
  const SyntheticFace other(params);
  for (int t : {0, 17, 49}) {
    EXPECT_EQ(face.frame(t), again.frame(t)) << "frame " << t;
    EXPECT_NE(face.frame(t), other.frame(t)) << "frame " << t;
    EXPECT_EQ(face.truth(t).keypoints, again.truth(t).keypoints);
    EXPECT_EQ(face.truth(t).pupil_area, again.truth(t).pupil_area);
  }
  EXPECT_NE(face.truth(17).pupil_area, other.truth(17).pupil_area);
}

TEST(SyntheticFace, StreamedFramesEqualFramesMadeAlone) {
  SynthParams params;
  params.nframes = 40;
  const SyntheticFace face(params);
  int seen = 0;
  face.read(
      5, 30,
      [&](const FrameBatch& batch) {
        for (int i = 0; i < batch.size(); ++i) {
          EXPECT_EQ(batch.views[0][i], face.frame(batch.first_frame + i));
          ++seen;
        }
      },
      7);
  EXPECT_EQ(seen, 30);
  EXPECT_THROW(face.frame(40), std::out_of_range);
}

TEST(SyntheticFace, PupilPixelsMatchTheTruth) {
  const SyntheticFace face(clean_params());
  const Box box = pupil_box(face);
  for (int t = 0; t < face.nframes(); t += 7) {
    const FaceTruth truth = face.truth(t);
    if (truth.lid_closure > 0) continue;
    const GrayFrame frame = face.frame(t);
    // Iris 120, pupil 30: a pixel's darkness (120 - I) / 90 is the fraction of it covered by
    // the pupil, so the darkness sums to the area and its centroid is the centre.
    double area = 0;
    Eigen::Vector2d moment = Eigen::Vector2d::Zero();
    for (int y = box.top; y < box.top + box.rows; ++y) {
      for (int x = box.left; x < box.left + box.cols; ++x) {
        const double covered = std::max(0.0, (120.0 - frame(y, x)) / 90.0);
        area += covered;
        moment += covered * Eigen::Vector2d(y, x);
      }
    }
    EXPECT_NEAR(area, truth.pupil_area, 0.01 * truth.pupil_area) << "frame " << t;
    EXPECT_NEAR((moment / area - truth.pupil_centre).norm(), 0, 0.05) << "frame " << t;
  }
}

TEST(SyntheticFace, ClosedLidHidesThePupil) {
  const SyntheticFace face(clean_params(400));
  const SynthTruth truth = face.all_truth();
  const std::vector<int> blinks = truth.blink_frames();
  ASSERT_FALSE(blinks.empty());
  for (int t : blinks) EXPECT_GE(truth.lid_closure(t), 0.5);
  int closed = 0;
  const Box box = pupil_box(face);
  for (int t = 0; t < face.nframes(); ++t) {
    if (truth.lid_closure(t) < 1) continue;
    ++closed;
    const GrayFrame frame = face.frame(t);
    EXPECT_GE(frame.block(box.top, box.left, box.rows, box.cols).minCoeff(), 140) << "frame " << t;
    // eye(top) is the lid's edge: at the eye's bottom when closed.
    EXPECT_NEAR(truth.keypoint_y(t, 3), truth.keypoint_y(t, 1), 1e-9);
  }
  EXPECT_GT(closed, 0);
}

TEST(SyntheticFace, WheelTextureMovesByTheTruth) {
  const SyntheticFace face(clean_params(60));
  const Roi wheel = face.rois().running;
  const int top = wheel.yrange.front(), left = wheel.xrange.front();
  const int rows = int(wheel.yrange.size()), cols = int(wheel.xrange.size());
  int moving = 0;
  for (int t = 1; t < face.nframes(); ++t) {
    const int dy = int(face.truth(t).wheel_shift(0)), dx = int(face.truth(t).wheel_shift(1));
    moving += dy != 0 || dx != 0;
    const GrayFrame now = face.frame(t), before = face.frame(t - 1);
    for (int y = std::max(0, dy); y < rows + std::min(0, dy); ++y)
      for (int x = std::max(0, dx); x < cols + std::min(0, dx); ++x)
        ASSERT_EQ(now(top + y, left + x), before(top + y - dy, left + x - dx)) << "frame " << t;
  }
  EXPECT_GT(moving, 30);
  EXPECT_EQ(face.truth(0).wheel_shift, Eigen::Vector2d::Zero());
}

TEST(SyntheticFace, KeypointsSitOnTheirFeatures) {
  const SyntheticFace face(clean_params(60));
  for (int t : {0, 23, 59}) {
    const FaceTruth truth = face.truth(t);
    const GrayFrame frame = face.frame(t);
    const auto at = [&](int k, double dx, double dy) {
      return pixel(frame, truth.keypoints(k, 0) + dx, truth.keypoints(k, 1) + dy);
    };
    // Eye corners and bottom: iris (120) just inside, fur (>= 150) just outside.
    EXPECT_EQ(at(0, 2, 0), 120);
    EXPECT_GE(at(0, -2, 0), 145);
    EXPECT_EQ(at(2, -2, 0), 120);
    EXPECT_GE(at(2, 2, 0), 145);
    EXPECT_EQ(at(1, 0, -2), 120);
    EXPECT_GE(at(1, 0, 2), 145);
    // Nose (205) inside its top, bottom and tip, background (< 60) beyond the tip; the nostril
    // is dark; the paw bright; the mouth corner on the dark mouth line.
    EXPECT_EQ(at(9, 0, 2), 205);
    EXPECT_EQ(at(6, 0, -2), 205);
    EXPECT_EQ(at(8, -2, 0), 205);
    EXPECT_LT(at(8, 3, 0), 60);
    EXPECT_LT(at(7, 0, 0), 100);
    EXPECT_EQ(at(11, 0, 0), 235);
    EXPECT_LT(at(5, 0, 0), 100);
    // Whisker tips end bright (230), anti-aliased lines: some pixel next to the tip is bright.
    for (int k : {12, 13, 14}) {
      const int x = int(std::lround(truth.keypoints(k, 0))),
                y = int(std::lround(truth.keypoints(k, 1)));
      EXPECT_GT(frame.block(y - 1, x - 1, 3, 3).maxCoeff(), 180) << kFaceKeypointNames[k];
    }
  }
}

TEST(SyntheticFace, VideoAndTruthFilesRoundTrip) {
  const fs::path folder =
      fs::temp_directory_path() / ("fmpipe_test_synth_" + std::to_string(getpid()));
  fs::create_directories(folder);
  SynthParams params;
  params.height = 96;
  params.width = 128;
  params.nframes = 25;
  const SyntheticFace face(params);
  int reported = 0;
  const SynthTruth written = write_synthetic_video(face, folder / "face.avi", folder / "truth.npy",
                                                   [&](int done, int total) {
                                                     EXPECT_EQ(total, 25);
                                                     reported = done;
                                                   });
  EXPECT_EQ(reported, 25);
  const Recording recording({folder / "face.avi"});
  ASSERT_EQ(recording.nframes(), 25);
  recording.for_each_batch([&](const FrameBatch& batch) {
    for (int i = 0; i < batch.size(); ++i)
      EXPECT_EQ(batch.views[0][i], face.frame(batch.first_frame + i)) << "lossless frame";
  });
  const SynthTruth read = read_synth_truth(folder / "truth.npy");
  EXPECT_EQ(read.pupil_centre, written.pupil_centre);
  EXPECT_EQ(read.wheel_shift, written.wheel_shift);
  EXPECT_EQ(read.keypoint_x, written.keypoint_x);
  EXPECT_EQ(read.keypoint_y, written.keypoint_y);
  EXPECT_EQ(read.lid_closure, face.all_truth().lid_closure);
  const RowMajorArray table = read_npy(folder / "truth.npy");
  EXPECT_EQ(table.shape(), (RowMajorArray::Shape{25, 39}));
  EXPECT_EQ(synth_truth_columns().size(), 39u);
  EXPECT_EQ(synth_truth_columns()[9], "eye(back)_x");
  EXPECT_EQ(table.matrix<double>()(3, 9 + 2 * 11 + 1), written.keypoint_y(3, 11));  // paw_y
  EXPECT_THROW(read_synth_truth(folder / "face.avi"), NpyError);
  fs::remove_all(folder);
}

TEST(SyntheticFace, SuggestedRegionsFitTheFace) {
  const SyntheticFace face(SynthParams{});
  const SynthRois rois = face.rois();
  ASSERT_EQ(rois.pupil.reflectors.size(), 1u);
  EXPECT_EQ(rois.pupil.reflectors[0].rows(), static_cast<Eigen::Index>(rois.pupil.yrange.size()));
  EXPECT_GT(rois.pupil.reflectors[0].count(), 10);
  const std::vector<Roi> all = rois.all();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].type, RoiType::pupil);
  EXPECT_EQ(all[1].type, RoiType::motion);
  EXPECT_EQ(all[2].type, RoiType::blink);
  EXPECT_EQ(all[3].type, RoiType::running);
  for (const Roi& roi : all) {
    EXPECT_GE(roi.yrange.front(), 0);
    EXPECT_LT(roi.yrange.back(), 256);
    EXPECT_GE(roi.xrange.front(), 0);
    EXPECT_LT(roi.xrange.back(), 256);
  }
}

TEST(SyntheticFace, RejectsBadParameters) {
  SynthParams params;
  params.width = 32;
  EXPECT_THROW(SyntheticFace{params}, std::invalid_argument);
  params = SynthParams{};
  params.whisk_hz = 20;  // above the Nyquist frequency of 30 fps
  try {
    SyntheticFace face(params);
    FAIL() << "accepted whisk_hz above fps / 2";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("whisk_hz"), std::string::npos);
  }
}
