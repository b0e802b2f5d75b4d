// The report's figures on hand-made results: sizes, that each part is drawn where it belongs
// (regions in their colours, a mask's sign in the colour map, keypoints at their positions), and
// errors for what cannot be drawn.

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "facemap/roi/region_crop.hpp"
#include "facemap/figures/report_figures.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int kFrames = 100;

// Pixels of `image` inside `area` within `tolerance` of `colour` (BGR) in every channel;
// antialiased lines reach their colour only along their middle.
int count_colour(const cv::Mat& image, const cv::Rect& area, const cv::Vec3b& colour,
                 int tolerance = 0) {
  int count = 0;
  const cv::Mat part = image(area & cv::Rect(0, 0, image.cols, image.rows));
  for (int y = 0; y < part.rows; ++y) {
    for (int x = 0; x < part.cols; ++x) {
      const cv::Vec3b pixel = part.at<cv::Vec3b>(y, x);
      bool near = true;
      for (int c = 0; c < 3; ++c) near = near && std::abs(pixel[c] - colour[c]) <= tolerance;
      count += near;
    }
  }
  return count;
}

// Where a trace of `colour` is drawn in `area`: for each column of the area, the mean row of its
// pixels of that colour (within `tolerance`), or -1 where the column has none.
std::vector<double> trace_rows(const cv::Mat& image, const cv::Rect& area, const cv::Vec3b& colour,
                               int tolerance) {
  std::vector<double> rows;
  for (int x = area.x; x < area.br().x; ++x) {
    double sum = 0;
    int count = 0;
    for (int y = area.y; y < area.br().y; ++y) {
      if (count_colour(image, {x, y, 1, 1}, colour, tolerance)) {
        sum += y;
        ++count;
      }
    }
    rows.push_back(count ? sum / count : -1);
  }
  return rows;
}

// What trace_rows() shows of one trace: over how many columns it is drawn, the mean row in the
// left and in the right third of the columns, the spread of its rows, and the longest run of
// columns without it between the first and the last column that have it.
struct TraceShape {
  int columns = 0;
  double left = 0, right = 0;
  double spread = 0;
  int longest_gap = 0;
};

TraceShape trace_shape(const std::vector<double>& rows) {
  TraceShape shape;
  const std::size_t third = rows.size() / 3;
  double low = 1e9, high = -1e9, left_sum = 0, right_sum = 0;
  int left_count = 0, right_count = 0, gap = 0;
  bool started = false;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] < 0) {
      gap += started;
      continue;
    }
    if (started) shape.longest_gap = std::max(shape.longest_gap, gap);
    started = true;
    gap = 0;
    ++shape.columns;
    low = std::min(low, rows[i]);
    high = std::max(high, rows[i]);
    if (i < third) left_sum += rows[i], ++left_count;
    if (i >= rows.size() - third) right_sum += rows[i], ++right_count;
  }
  shape.left = left_count ? left_sum / left_count : -1;
  shape.right = right_count ? right_sum / right_count : -1;
  shape.spread = shape.columns ? high - low : 0;
  return shape;
}

class ReportFigures : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(folder);
    result.sbin = 4;
    result.ly = {160};
    result.lx = {200};
    result.nframes = kFrames;
    result.avgframe = Eigen::MatrixXf::Constant(40, 50, 100.0f);
    facemap::Roi pupil = facemap::rectangle_region(facemap::RoiType::pupil, 40, 60, 40, 60);
    pupil.name = "eye";
    pupil.reflectors.push_back(facemap::RoiMask::Constant(40, 60, false));
    pupil.reflectors[0].block(15, 25, 6, 6).setConstant(true);
    result.rois = {pupil, facemap::rectangle_region(facemap::RoiType::motion, 0, 120, 60, 80),
                   facemap::rectangle_region(facemap::RoiType::running, 100, 0, 50, 50)};

    svd.ly = 40;
    svd.lx = 50;
    svd.masks = Eigen::MatrixXf::Zero(40 * 50, 10);
    svd.masks(10 * 50 + 5, 0) = 1.0f;    // component 0: positive at row 10, column 5
    svd.masks(30 * 50 + 45, 0) = -0.5f;  // and negative at row 30, column 45
    svd.masks.rightCols(9).setRandom();
    svd.singular_values = Eigen::VectorXf::LinSpaced(10, 100.0f, 10.0f);
    svd.projections.resize(kFrames, 10);
    for (int t = 0; t < kFrames; ++t)
      for (int k = 0; k < 10; ++k) svd.projections(t, k) = std::sin(0.1f * t * (k + 1));

    trace.area = Eigen::VectorXd::LinSpaced(kFrames, 500, 900);
    trace.area(50) = NAN;  // a failed frame
    trace.area_smooth = trace.area;
    trace.com = Eigen::MatrixXd::Constant(kFrames, 2, 60.0);
    trace.com_smooth = trace.com;

    tracks.bodyparts = {"eye(back)", "nose(tip)", "paw"};
    tracks.x = Eigen::MatrixXf::Constant(kFrames, 3, 20.0f);
    tracks.x.col(1).setConstant(150.0f);
    tracks.x.col(2).setConstant(100.0f);
    tracks.y = Eigen::MatrixXf::Constant(kFrames, 3, 30.0f);
    tracks.y.col(2).setConstant(120.0f);
    tracks.likelihood = Eigen::MatrixXf::Ones(kFrames, 3);
  }
  void TearDown() override { fs::remove_all(folder); }

  cv::Mat read(const std::string& name) {
    const cv::Mat image = cv::imread((folder / name).string(), cv::IMREAD_COLOR);
    EXPECT_FALSE(image.empty()) << name;
    return image;
  }

  fs::path folder = fs::temp_directory_path() / ("fmpipe_figures_" + std::to_string(getpid()));
  facemap::FacemapResult result;
  facemap::SvdComponents svd;
  facemap::PupilTrace trace;
  facemap::PoseTracks tracks;
};

TEST_F(ReportFigures, RegionsAreOutlinedInTheirColoursWhereTheyAre) {
  facemap::write_regions_figure(folder / "regions.png", "regions", result);
  const cv::Mat image = read("regions.png");
  // 200 x 160 pixels enlarged 4 times (the most that fits 900 x 640), centred, under the title.
  ASSERT_EQ(image.cols, 840);
  ASSERT_EQ(image.rows, 40 + 640 + 40 + 10);
  const cv::Point origin(20, 40);
  const auto box = [&](int top, int left, int rows, int cols) {
    return cv::Rect(origin.x + left * 4 - 3, origin.y + top * 4 - 3, cols * 4 + 6, rows * 4 + 6);
  };
  const cv::Vec3b red(0, 0, 255), green(0, 210, 0), orange(0, 150, 255), yellow(0, 235, 255);
  // The pupil's ellipse lies within its box; the reflector within the pupil's box.
  EXPECT_GT(count_colour(image, box(40, 60, 40, 60), red), 200);
  EXPECT_GT(count_colour(image, box(40 + 15, 60 + 25, 6, 6), yellow), 40);
  // The motion rectangle's top edge (rows 0..) and the running rectangle.
  EXPECT_GT(count_colour(image, box(0, 120, 1, 80), green), 300);
  EXPECT_GT(count_colour(image, box(100, 0, 50, 50), orange), 700);
  // Nothing of the pupil's colour far from it (its label sits next to it).
  EXPECT_EQ(count_colour(image, box(100, 0, 50, 50), red), 0);
}

TEST_F(ReportFigures, MasksShowTheirSignInTheDivergingColourMap) {
  facemap::write_svd_masks_figure(folder / "masks.png", "masks", svd, 8);
  const cv::Mat image = read("masks.png");
  // Cells of 220 x 176 (50 x 40 enlarged 4.4 times), four a row, two rows, and the colour bar.
  EXPECT_EQ(image.cols, 20 + 4 * (220 + 18) + 100);
  EXPECT_EQ(image.rows, 40 + 2 * (22 + 176 + 18) + 20);
  const cv::Point cell(20, 40 + 22);
  const cv::Vec3b positive = image.at<cv::Vec3b>(cell.y + int(10.5 * 4.4), cell.x + int(5.5 * 4.4));
  const cv::Vec3b negative =
      image.at<cv::Vec3b>(cell.y + int(30.5 * 4.4), cell.x + int(45.5 * 4.4));
  const cv::Vec3b zero = image.at<cv::Vec3b>(cell.y + 100, cell.x + 100);
  EXPECT_GT(positive[2], positive[0] + 50);  // the largest value: deep red
  EXPECT_GT(negative[0], negative[2] + 60);  // half of it, negative: blue
  EXPECT_GT(zero[0], 240);                   // zero: white
  EXPECT_GT(zero[2], 240);
  EXPECT_THROW(facemap::write_svd_masks_figure(folder / "none.png", "", {}, 8),
               std::invalid_argument);
}

TEST_F(ReportFigures, TracesHaveTheirSizesAndDrawEveryTrace) {
  facemap::write_svd_traces_figure(folder / "svd.png", "svd", svd, 8);
  facemap::write_pupil_traces_figure(folder / "pupil.png", "pupil", trace);
  facemap::write_blink_figure(folder / "blink.png", "blink", {0, trace.area});
  facemap::write_running_figure(
      folder / "running.png", "running",
      {0, trace.area * 0, trace.area * 0 + Eigen::VectorXd::Ones(kFrames)});
  EXPECT_EQ(read("svd.png").size(), cv::Size(1000, 40 + 400));
  EXPECT_EQ(read("pupil.png").size(), cv::Size(1000, 40 + 3 * 250));
  EXPECT_EQ(read("blink.png").size(), cv::Size(1000, 400));
  // The traces themselves, not only the figures' sizes: the area rises from 500 to 900 over the
  // frames (image rows grow downwards, so its left third lies lower than its right third) with a
  // gap at the failed frame 50 (18 columns wide here); the centre is constant, a flat line.
  // Columns 150 to 800 lie inside every plot (the y axis's labels are left of them, the legend's
  // swatches right).
  const cv::Mat pupil = read("pupil.png"), blink = read("blink.png");
  const cv::Vec3b smoothed_blue(180, 119, 31), blink_purple(189, 103, 148);
  const auto panel = [](int index, int height) {
    return cv::Rect(150, 40 + index * height, 650, height);
  };
  const TraceShape area = trace_shape(trace_rows(pupil, panel(0, 250), smoothed_blue, 40));
  std::cout << "pupil area: " << area.columns << " columns, left " << area.left << ", right "
            << area.right << ", gap " << area.longest_gap << "\n";
  EXPECT_GT(area.columns, 600);
  EXPECT_GT(area.left - area.right, 60);
  EXPECT_GE(area.longest_gap, 10);
  for (int axis = 1; axis <= 2; ++axis) {
    const TraceShape centre = trace_shape(trace_rows(pupil, panel(axis, 250), smoothed_blue, 40));
    std::cout << "pupil centre " << axis << ": " << centre.columns << " columns, spread "
              << centre.spread << "\n";
    EXPECT_GT(centre.columns, 600) << "centre axis " << axis;
    EXPECT_LE(centre.spread, 2) << "centre axis " << axis;
  }
  const TraceShape blinking = trace_shape(trace_rows(blink, {150, 40, 650, 360}, blink_purple, 40));
  std::cout << "blink: " << blinking.columns << " columns, left " << blinking.left << ", right "
            << blinking.right << ", gap " << blinking.longest_gap << "\n";
  EXPECT_GT(blinking.columns, 550);
  EXPECT_GT(blinking.left - blinking.right, 100);
  EXPECT_GE(blinking.longest_gap, 10);
  const cv::Mat running = read("running.png");
  EXPECT_EQ(running.size(), cv::Size(1000, 400));
  // Each of the eight components in its own colour (Matplotlib's tab10: blue, orange, ...).
  const cv::Mat traces = read("svd.png");
  const cv::Vec3b blue(180, 119, 31), orange(14, 127, 255), gray(127, 127, 127);
  EXPECT_GT(count_colour(traces, {0, 0, 1000, 440}, blue, 40), 300);
  EXPECT_GT(count_colour(traces, {0, 0, 1000, 440}, gray, 40), 300);  // component 7
  // dy (blue, 0) and dx (orange, 1) along the plot's width, but for the gap at frame 50.
  EXPECT_GT(count_colour(running, {0, 0, 1000, 400}, blue, 40), 700);
  EXPECT_GT(count_colour(running, {0, 0, 1000, 400}, orange, 40), 700);
}

TEST_F(ReportFigures, AFailedPupilIsANoteNotAnError) {
  trace.area.setConstant(NAN);
  trace.area_smooth.setConstant(NAN);
  trace.com.setConstant(NAN);
  trace.com_smooth.setConstant(NAN);
  facemap::write_pupil_traces_figure(folder / "pupil.png", "pupil", trace);
  EXPECT_EQ(read("pupil.png").size(), cv::Size(1000, 40 + 3 * 250));
  trace.com.resize(0, 2);
  EXPECT_THROW(facemap::write_pupil_traces_figure(folder / "bad.png", "pupil", trace),
               std::invalid_argument);
}

TEST_F(ReportFigures, KeypointsAreDrawnAtTheirPositions) {
  const facemap::GrayFrame frame = facemap::GrayFrame::Constant(160, 200, 80);
  facemap::write_keypoints_frame_figure(folder / "frame.png", "keypoints", frame, tracks, 10);
  const cv::Mat image = read("frame.png");
  // 200 x 160 enlarged 4 times, then the legend's column.
  EXPECT_EQ(image.size(), cv::Size(20 + 800 + 20 + 190, 40 + 640 + 20));
  const auto at = [&](float x, float y) {
    return image.at<cv::Vec3b>(40 + int((y + 0.5f) * 4), 20 + int((x + 0.5f) * 4));
  };
  EXPECT_EQ(at(20, 30), cv::Vec3b(180, 119, 31));   // eye(back): the first colour
  EXPECT_EQ(at(150, 30), cv::Vec3b(14, 127, 255));  // nose(tip): the second
  EXPECT_EQ(at(100, 120), cv::Vec3b(44, 160, 44));  // paw: the third
  EXPECT_EQ(at(100, 60), cv::Vec3b(80, 80, 80));    // the frame elsewhere

  facemap::write_keypoint_traces_figure(folder / "traces.png", "traces", tracks);
  EXPECT_EQ(read("traces.png").size(), cv::Size(1000, 40 + 2 * 360));
  EXPECT_THROW(facemap::write_keypoints_frame_figure(folder / "x.png", "", frame, tracks, kFrames),
               std::invalid_argument);
  EXPECT_THROW(facemap::write_keypoint_traces_figure(folder / "x.png", "", {}),
               std::invalid_argument);
}

TEST_F(ReportFigures, AnUnwritableFileIsNamed) {
  const fs::path png = folder / "no_such_folder" / "blink.png";
  try {
    facemap::write_blink_figure(png, "blink", {0, trace.area});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(png.string()), std::string::npos) << e.what();
  }
}

}  // namespace
