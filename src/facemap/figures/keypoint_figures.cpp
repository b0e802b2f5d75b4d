// The report's figures of the keypoints (see report_figures.hpp): a frame with its keypoints,
// and their traces.

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

#include "facemap/figures/report_figures.hpp"
#include "plot.hpp"

namespace facemap {
namespace {

constexpr int kMargin = 20;
constexpr int kFigureTitleHeight = 40;
constexpr int kLegendWidth = 190;
constexpr double kLikely = 0.5;  // likelihood from which a point is drawn filled
constexpr int kMarker = 7;       // radius of a keypoint's marker, its white rim included

void check_tracks(const PoseTracks& tracks, const std::string& what) {
  const auto parts = Eigen::Index(tracks.bodyparts.size());
  if (parts == 0 || tracks.x.rows() == 0)
    throw std::invalid_argument(what + ": no keypoints to show");
  if (tracks.x.cols() != parts || tracks.y.cols() != parts || tracks.y.rows() != tracks.x.rows())
    throw std::invalid_argument(what + ": x and y do not have one column per body part");
}

// The keypoints' names with their colours, one a line, from `origin`.
void draw_keypoint_legend(cv::Mat& figure, const PoseTracks& tracks, cv::Point origin) {
  for (size_t j = 0; j < tracks.bodyparts.size(); ++j) {
    const cv::Point at = origin + cv::Point(0, int(j) * 20);
    cv::circle(figure, at + cv::Point(6, -5), 5, detail::series_colour(int(j)), cv::FILLED,
               cv::LINE_AA);
    detail::put_text(figure, tracks.bodyparts[j], at + cv::Point(18, 0), detail::kTickText);
  }
}

}  // namespace

void write_keypoints_frame_figure(const std::filesystem::path& png, const std::string& title,
                                  const GrayFrame& frame, const PoseTracks& tracks,
                                  int frame_index) {
  check_tracks(tracks, "keypoints figure");
  if (frame_index < 0 || frame_index >= tracks.x.rows()) {
    throw std::invalid_argument("keypoints figure: frame " + std::to_string(frame_index) +
                                " is outside the " + std::to_string(tracks.x.rows()) +
                                " frames of the tracks");
  }
  if (frame.size() == 0) throw std::invalid_argument("keypoints figure: the frame is empty");
  const double scale = std::min(900.0 / frame.cols(), 640.0 / frame.rows());
  const cv::Mat gray(int(frame.rows()), int(frame.cols()), CV_8U,
                     const_cast<std::uint8_t*>(frame.data()));
  cv::Mat enlarged, image;
  cv::resize(gray, enlarged, cv::Size(), scale, scale, cv::INTER_LINEAR);
  cv::cvtColor(enlarged, image, cv::COLOR_GRAY2BGR);
  const auto t = Eigen::Index(frame_index);
  // Pixel centres are at whole numbers; the enlarged pixel of frame pixel 0 spans 0 .. scale.
  std::vector<cv::Point> points(tracks.bodyparts.size(), cv::Point(-1, -1));
  detail::LabelPlacer labels(image.size());
  for (size_t j = 0; j < points.size(); ++j) {
    const double x = tracks.x(t, Eigen::Index(j)), y = tracks.y(t, Eigen::Index(j));
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    points[j] = {int(std::lround((x + 0.5) * scale)), int(std::lround((y + 0.5) * scale))};
    labels.reserve({points[j] - cv::Point(kMarker, kMarker), cv::Size(2 * kMarker, 2 * kMarker)});
  }
  for (size_t j = 0; j < points.size(); ++j) {
    if (points[j].x < 0) continue;
    const bool likely =
        tracks.likelihood.size() == 0 || tracks.likelihood(t, Eigen::Index(j)) >= kLikely;
    cv::circle(image, points[j], kMarker, detail::kWhite, likely ? cv::FILLED : 2, cv::LINE_AA);
    cv::circle(image, points[j], kMarker - 2, detail::series_colour(int(j)),
               likely ? cv::FILLED : 2, cv::LINE_AA);
    // The name beside its point: right or left of it, above or below, or centred over or under.
    const std::string& name = tracks.bodyparts[j];
    const cv::Size size = detail::text_size(name, detail::kTickText);
    const int right = points[j].x + kMarker + 3, left = points[j].x - kMarker - 3 - size.width;
    const int centre = points[j].x - size.width / 2;
    const int above = points[j].y - 4, below = points[j].y + size.height + 4;
    const int over = points[j].y - kMarker - 5, under = points[j].y + kMarker + size.height + 5;
    const cv::Point origin = labels.place(name, detail::kTickText,
                                          {{right, above},
                                           {left, above},
                                           {right, below},
                                           {left, below},
                                           {centre, over},
                                           {centre, under}});
    detail::put_outlined_text(image, name, origin, detail::kTickText, detail::kWhite,
                              detail::kBlack);
  }
  const int height =
      std::max(image.rows, int(tracks.bodyparts.size()) * 20 + 40) + kFigureTitleHeight + kMargin;
  cv::Mat figure = detail::new_figure(kMargin + image.cols + kMargin + kLegendWidth, height, title);
  image.copyTo(figure(cv::Rect(kMargin, kFigureTitleHeight, image.cols, image.rows)));
  const int legend_x = kMargin + image.cols + kMargin;
  detail::put_text(figure, "hollow: likelihood < 0.5", {legend_x, kFigureTitleHeight + 12},
                   detail::kTickText);
  draw_keypoint_legend(figure, tracks, {legend_x, kFigureTitleHeight + 40});
  detail::write_png(png, figure);
}

void write_keypoint_traces_figure(const std::filesystem::path& png, const std::string& title,
                                  const PoseTracks& tracks) {
  check_tracks(tracks, "keypoint traces figure");
  detail::Axes x_panel{"keypoints: x (column)", "frame", "x (pixels)", {}};
  detail::Axes y_panel{"keypoints: y (row)", "frame", "y (pixels)", {}};
  for (size_t j = 0; j < tracks.bodyparts.size(); ++j) {
    const auto c = Eigen::Index(j);
    const cv::Scalar colour = detail::series_colour(int(j));
    x_panel.series.push_back({tracks.bodyparts[j], tracks.x.col(c).cast<double>(), colour, 1});
    y_panel.series.push_back({tracks.bodyparts[j], tracks.y.col(c).cast<double>(), colour, 1});
  }
  // Tall enough panels for a legend line per keypoint.
  const int panel_height = std::max(360, int(tracks.bodyparts.size()) * 18 + 100);
  detail::write_png(png, detail::panels_figure(title, {x_panel, y_panel}, 1000, panel_height));
}

}  // namespace facemap
