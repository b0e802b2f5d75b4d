#include "facemap/figures/pupil_figure.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "facemap/roi/region_crop.hpp"

namespace facemap {
namespace {

const cv::Scalar kBlack(0, 0, 0), kGray(190, 190, 190), kBlue(200, 80, 0), kRed(0, 0, 230),
    kGreen(0, 170, 0), kYellow(0, 220, 255), kWhite(255, 255, 255);
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
constexpr int kPanelWidth = 300;  // pixels of each frame panel
constexpr int kPlotHeight = 240;
constexpr int kMarginLeft = 70, kMarginRight = 20, kTitleHeight = 40, kAxisHeight = 45;
constexpr int kGap = 10;

void text(cv::Mat& image, const std::string& label, cv::Point at, double size = 0.45,
          const cv::Scalar& colour = kBlack) {
  cv::putText(image, label, at, kFont, size, colour, 1, cv::LINE_AA);
}

// The trace as polylines in plot coordinates, broken where it is NaN.
std::vector<std::vector<cv::Point>> trace_lines(const Eigen::VectorXd& values, const cv::Rect& plot,
                                                double low, double high) {
  std::vector<std::vector<cv::Point>> lines(1);
  const double last = std::max<Eigen::Index>(1, values.size() - 1);
  for (Eigen::Index t = 0; t < values.size(); ++t) {
    if (std::isnan(values(t))) {
      if (!lines.back().empty()) lines.emplace_back();
      continue;
    }
    const double x = plot.x + plot.width * (t / last);
    const double y = plot.y + plot.height * (1 - (values(t) - low) / (high - low));
    lines.back().emplace_back(int(std::lround(x)), int(std::lround(y)));
  }
  return lines;
}

void draw_trace_plot(cv::Mat& image, const cv::Rect& plot, const PupilTrace& trace,
                     const std::vector<PupilFigurePanel>& panels) {
  double low = INFINITY, high = -INFINITY;
  for (Eigen::Index t = 0; t < trace.area.size(); ++t) {
    if (std::isnan(trace.area(t))) continue;
    low = std::min(low, trace.area(t));
    high = std::max(high, trace.area(t));
  }
  if (!(high > low)) {  // all NaN or constant: any range shows it
    low = std::isfinite(low) ? low - 1 : 0;
    high = low + 2;
  }
  const double pad = 0.05 * (high - low);
  low -= pad;
  high += pad;
  const Eigen::Index frames = trace.area.size();
  for (int tick = 0; tick <= 4; ++tick) {
    const int y = plot.y + plot.height * (4 - tick) / 4;
    cv::line(image, {plot.x - 4, y}, {plot.x, y}, kBlack);
    text(image, std::to_string(int(std::lround(low + (high - low) * tick / 4))), {5, y + 4});
    const int x = plot.x + plot.width * tick / 4;
    cv::line(image, {x, plot.br().y}, {x, plot.br().y + 4}, kBlack);
    text(image, std::to_string((frames - 1) * tick / 4), {x - 12, plot.br().y + 18});
  }
  text(image, "frame", {plot.x + plot.width / 2 - 20, plot.br().y + 36});
  text(image, "pupil area (pixels^2): raw (gray), smoothed (blue)", {plot.x + 5, plot.y + 15});
  for (const PupilFigurePanel& panel : panels) {
    const int x = plot.x + int(plot.width * panel.frame_index / std::max<double>(1, frames - 1));
    cv::line(image, {x, plot.y}, {x, plot.br().y}, kRed, 1);
  }
  // The raw trace wide and light, so that it shows where the smoothed one departs from it.
  cv::polylines(image, trace_lines(trace.area, plot, low, high), false, kGray, 3, cv::LINE_AA);
  cv::polylines(image, trace_lines(trace.area_smooth, plot, low, high), false, kBlue, 1,
                cv::LINE_AA);
  cv::rectangle(image, plot, kBlack);
}

// The outline of a crop-sized mask, drawn on a panel showing `view` of the frame at `scale`.
void draw_mask_outline(cv::Mat& panel, const RoiMask& mask, const RegionCrop& crop,
                       const cv::Rect& view, double scale, const cv::Scalar& colour) {
  cv::Mat image(int(mask.rows()), int(mask.cols()), CV_8U);
  for (int y = 0; y < image.rows; ++y)
    for (int x = 0; x < image.cols; ++x) image.at<std::uint8_t>(y, x) = mask(y, x) ? 255 : 0;
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(image, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
  for (auto& contour : contours) {
    for (cv::Point& point : contour) {
      point = cv::Point(int(std::lround((point.x + crop.left() - view.x + 0.5) * scale)),
                        int(std::lround((point.y + crop.top() - view.y + 0.5) * scale)));
    }
  }
  cv::polylines(panel, contours, true, colour, 1, cv::LINE_AA);
}

cv::Mat draw_panel(const PupilFigurePanel& panel, const Roi& roi, const RegionCrop& crop,
                   const cv::Rect& view) {
  const double scale = double(kPanelWidth) / view.width;
  cv::Mat gray(int(panel.frame.rows()), int(panel.frame.cols()), CV_8U,
               const_cast<std::uint8_t*>(panel.frame.data()));
  cv::Mat enlarged, colour;
  cv::resize(gray(view), enlarged, cv::Size(), scale, scale, cv::INTER_LINEAR);
  cv::cvtColor(enlarged, colour, cv::COLOR_GRAY2BGR);
  draw_mask_outline(colour, crop.ellipse(roi), crop, view, scale, kGreen);
  for (const RoiMask& reflector : roi.reflectors)
    draw_mask_outline(colour, reflector, crop, view, scale, kYellow);
  std::string label = "frame " + std::to_string(panel.frame_index);
  if (panel.fit.valid) {
    // Pixel i spans i - 0.5 .. i + 0.5; enlarged pixel j's centre is at frame (j + 0.5)/scale -
    // 0.5.
    const cv::Point2f centre(float((panel.fit.com(1) - view.x + 0.5) * scale - 0.5),
                             float((panel.fit.com(0) - view.y + 0.5) * scale - 0.5));
    const double angle = std::atan2(panel.fit.axdir(0, 0), panel.fit.axdir(1, 0)) * 180 / M_PI;
    const cv::Size2f size(float(2 * std::sqrt(panel.fit.axlen(0)) * scale),
                          float(2 * std::sqrt(panel.fit.axlen(1)) * scale));
    cv::ellipse(colour, cv::RotatedRect(centre, size, float(angle)), kRed, 2, cv::LINE_AA);
    cv::drawMarker(colour, centre, kRed, cv::MARKER_CROSS, 10, 1, cv::LINE_AA);
    label += ", area " + std::to_string(int(std::lround(panel.fit.area)));
  } else {
    label += ": no fit";
  }
  cv::Mat framed(colour.rows + 24, colour.cols, CV_8UC3, kWhite);
  colour.copyTo(framed(cv::Rect(0, 0, colour.cols, colour.rows)));
  text(framed, label, {4, colour.rows + 17});
  return framed;
}

}  // namespace

void write_pupil_figure(const std::filesystem::path& png, const std::string& title,
                        const PupilTrace& trace, const Roi& roi,
                        const std::vector<PupilFigurePanel>& panels) {
  if (trace.area.size() == 0) throw std::invalid_argument("pupil figure: the trace is empty");
  const FrameSize view_size =
      panels.empty() ? FrameSize{1 << 20, 1 << 20}
                     : FrameSize{int(panels[0].frame.rows()), int(panels[0].frame.cols())};
  const RegionCrop crop(roi, view_size);
  // The region with a quarter of its size around it, inside the frame.
  const cv::Rect view = cv::Rect(crop.left() - crop.cols() / 4, crop.top() - crop.rows() / 4,
                                 crop.cols() * 3 / 2, crop.rows() * 3 / 2) &
                        cv::Rect(0, 0, view_size.width, view_size.height);

  std::vector<cv::Mat> drawn;
  for (const PupilFigurePanel& panel : panels) drawn.push_back(draw_panel(panel, roi, crop, view));
  const int panels_width = int(drawn.size()) * (kPanelWidth + kGap);
  const int width = std::max(900, kMarginLeft + panels_width);
  const int panel_height = drawn.empty() ? 0 : drawn[0].rows + kGap;
  cv::Mat figure(kTitleHeight + kPlotHeight + kAxisHeight + panel_height, width, CV_8UC3, kWhite);
  text(figure, title, {10, 25}, 0.6);
  draw_trace_plot(
      figure, cv::Rect(kMarginLeft, kTitleHeight, width - kMarginLeft - kMarginRight, kPlotHeight),
      trace, panels);
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    const cv::Rect at(kMarginLeft + int(i) * (kPanelWidth + kGap),
                      kTitleHeight + kPlotHeight + kAxisHeight, drawn[i].cols, drawn[i].rows);
    drawn[i].copyTo(figure(at));
  }
  if (!cv::imwrite(png.string(), figure))
    throw std::runtime_error(png.string() + ": cannot write the pupil figure");
}

}  // namespace facemap
