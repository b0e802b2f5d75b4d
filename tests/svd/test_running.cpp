// Running by phase correlation: windows of a random texture moved by known whole-pixel shifts in
// every direction, up to the largest shift searched; robustness to a change of brightness;
// errors naming the region.

#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "facemap/roi/region_crop.hpp"
#include "facemap/roi/running.hpp"

using namespace facemap;

namespace {

// A smooth random texture: uniform noise averaged over 3 x 3 neighbourhoods, twice.
Eigen::MatrixXd texture(int rows, int cols, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<double> uniform(0, 255);
  Eigen::MatrixXd image =
      Eigen::MatrixXd::NullaryExpr(rows, cols, [&] { return uniform(generator); });
  for (int pass = 0; pass < 2; ++pass) {
    Eigen::MatrixXd blurred = image;
    for (int y = 1; y + 1 < rows; ++y)
      for (int x = 1; x + 1 < cols; ++x) blurred(y, x) = image.block(y - 1, x - 1, 3, 3).mean();
    image = blurred;
  }
  return image;
}

// A frame showing the texture moved by `offset` (row, col): frame(y, x) = texture(y - dy, x - dx).
GrayFrame moved(const Eigen::MatrixXd& image, int rows, int cols, Eigen::Vector2i offset,
                double brightness = 0) {
  GrayFrame frame(rows, cols);
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < cols; ++x) {
      const double value = image(60 + y - offset(0), 60 + x - offset(1)) + brightness;
      frame(y, x) = static_cast<std::uint8_t>(std::clamp(value, 0.0, 255.0));
    }
  }
  return frame;
}

Roi running_region(int top, int left, int rows, int cols) {
  Roi roi = rectangle_region(RoiType::running, top, left, rows, cols);
  roi.name = "wheel";
  return roi;
}

}  // namespace

TEST(Running, FindsWholePixelShiftsInEveryDirection) {
  const Eigen::MatrixXd image = texture(240, 260, 3);
  // A 50 x 70 region: shifts up to floor(0.4 * 50) = 20 are searched.
  RunningTracker tracker(running_region(10, 20, 50, 70), {80, 110});
  const std::vector<Eigen::Vector2i> steps = {{0, 0}, {1, 3},   {-2, 0},   {0, -4},   {3, -1},
                                              {0, 0}, {-1, -1}, {20, -20}, {-20, 20}, {7, 2}};
  Eigen::Vector2i offset = Eigen::Vector2i::Zero();
  for (std::size_t t = 0; t < steps.size(); ++t) {
    offset += steps[t];
    const FrameShift shift = tracker.add(moved(image, 80, 110, offset));
    EXPECT_EQ(shift.dy, t == 0 ? 0 : steps[t](0)) << "frame " << t;
    EXPECT_EQ(shift.dx, t == 0 ? 0 : steps[t](1)) << "frame " << t;
  }
}

TEST(Running, IgnoresAChangeOfBrightness) {
  const Eigen::MatrixXd image = texture(200, 200, 5);
  RunningTracker tracker(running_region(0, 0, 64, 64), {64, 64});
  tracker.add(moved(image, 64, 64, {0, 0}));
  const FrameShift shift = tracker.add(moved(image, 64, 64, {2, -3}, 30));
  EXPECT_EQ(shift.dy, 2);
  EXPECT_EQ(shift.dx, -3);
}

TEST(Running, RejectsRegionsItCannotAnalyse) {
  EXPECT_THROW(RunningTracker(running_region(0, 0, 2, 40), {50, 50}), std::invalid_argument);
  try {
    RunningTracker(running_region(30, 0, 30, 40), {50, 50});
    FAIL() << "a region outside its view was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("running region 'wheel'"), std::string::npos);
  }
  RunningTracker tracker(running_region(0, 0, 30, 40), {50, 50});
  EXPECT_THROW(tracker.add(GrayFrame::Zero(40, 50)), std::invalid_argument);
}
