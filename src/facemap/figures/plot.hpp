#pragma once
// A small plotting helper for the engines' figures, drawn with OpenCV: panels of traces against
// frame number with "nice" tick labels, grid lines, axis labels, a legend, and a stacked mode for
// many traces of different scales; text, colour maps and PNG output. Hand-written because Debian
// packages no C++ plotting library (no matplot++, sciplot or similar) and the project takes its
// dependencies from Debian only; OpenCV already draws lines, text and colour maps.

#include <filesystem>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <opencv2/core.hpp>

namespace facemap::detail {

// Colours are OpenCV's BGR.
inline const cv::Scalar kBlack(0, 0, 0), kWhite(255, 255, 255), kDarkGray(90, 90, 90),
    kLightGray(225, 225, 225);

/// Text sizes (OpenCV's font scale of FONT_HERSHEY_SIMPLEX).
inline constexpr double kTitleText = 0.65, kLabelText = 0.5, kTickText = 0.42;

/// Colour `index` of a qualitative palette of 15 (Matplotlib's tab10, then five darker hues),
/// repeating after 15: distinct traces and keypoints.
cv::Scalar series_colour(int index);

/// One trace: a value per frame, drawn against the frame number; NaN leaves a gap.
struct Series {
  std::string label;
  Eigen::VectorXd values;
  cv::Scalar colour = kBlack;
  int thickness = 1;
};

/// One panel of traces sharing a frame axis.
struct Axes {
  std::string title;
  std::string x_label = "frame";
  std::string y_label;
  std::vector<Series> series;
  /// Each series scaled into a band of its own, top to bottom, and named on the y axis instead
  /// of values: for many traces of different scales (SVD projections).
  bool stacked = false;
  /// A legend to the right of the plot (ignored when stacked).
  bool legend = true;
};

/// A white image with `title` on its first line.
cv::Mat new_figure(int width, int height, const std::string& title);

/// Draws `axes` inside `area` of `figure`: the margins for the title, tick labels, axis labels
/// and legend are taken from `area`, the rest is the plot.
void draw_axes(cv::Mat& figure, const cv::Rect& area, const Axes& axes);

/// A figure of `width` with `title` and the panels one below the other, each `panel_height`
/// high.
cv::Mat panels_figure(const std::string& title, const std::vector<Axes>& panels, int width,
                      int panel_height);

/// Writes `text` with its baseline starting at `origin`.
void put_text(cv::Mat& image, const std::string& text, cv::Point origin, double scale = kLabelText,
              const cv::Scalar& colour = kBlack);
/// Writes `text` in `colour` over a one-pixel outline of `outline`, legible on any background.
void put_outlined_text(cv::Mat& image, const std::string& text, cv::Point origin, double scale,
                       const cv::Scalar& colour, const cv::Scalar& outline);
/// Width and height (above the baseline) of `text` in pixels.
cv::Size text_size(const std::string& text, double scale = kLabelText);

/// Puts labels on an image where they overlap neither each other nor what was reserved, and stay
/// inside it.
class LabelPlacer {
 public:
  explicit LabelPlacer(cv::Size bounds) : bounds_(bounds) {}
  /// The box around `text` written from `origin` (the start of its baseline), with a margin.
  static cv::Rect box(const std::string& text, double scale, cv::Point origin);
  /// Keeps labels off `area` (a marker, say).
  void reserve(const cv::Rect& area) { taken_.push_back(area); }
  /// The first of `origins` whose box lies inside the bounds and overlaps nothing placed or
  /// reserved before, else the first inside the bounds, else the first; its box is taken from
  /// then on.
  cv::Point place(const std::string& text, double scale, const std::vector<cv::Point>& origins);

 private:
  cv::Size bounds_;
  std::vector<cv::Rect> taken_;
};

/// Up to about `target` evenly spaced round values (steps of 1, 2 or 5 times a power of ten)
/// within [low, high]; at least one value.
std::vector<double> nice_ticks(double low, double high, int target);
/// A tick's label with as many decimals as `step` needs.
std::string tick_label(double value, double step);

/// `image` in a blue-white-red diverging colour map with white at 0 and full colour at
/// -limit / +limit (clipped beyond).
cv::Mat diverging_image(const Eigen::MatrixXf& image, double limit);

/// Writes `image` as a PNG, whole or not at all (facemap/io/partial_file.hpp); throws
/// std::runtime_error naming the file when it cannot.
void write_png(const std::filesystem::path& png, const cv::Mat& image);

}  // namespace facemap::detail
