// The report's figures of the SVD analysis: regions, masks and traces (keypoints are in
// keypoint_figures.cpp).

#include "facemap/figures/report_figures.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <opencv2/core/eigen.hpp>
#include <opencv2/imgproc.hpp>

#include "facemap/roi/region_crop.hpp"
#include "plot.hpp"

namespace facemap {
namespace {

using detail::Axes;
using detail::Series;

constexpr int kTraceWidth = 1000;  // pixels of every trace figure
constexpr int kPanelHeight = 360;  // one panel of traces (with the figure's title: 400)
constexpr int kMargin = 20;
constexpr int kFigureTitleHeight = 40;
const cv::Scalar kRawGray(170, 170, 170);

// How each type of region is outlined. Listed in drawing order: blink is drawn wide and first,
// so that a pupil region on the same box still shows both outlines.
struct RegionStyle {
  RoiType type;
  const char* legend;
  cv::Scalar colour;  // BGR
  int thickness;
};
const RegionStyle kRegionStyles[] = {{RoiType::blink, "blink", {255, 0, 255}, 5},
                                     {RoiType::running, "running", {0, 150, 255}, 2},
                                     {RoiType::keypoint_box, "keypoint box", {255, 200, 0}, 2},
                                     {RoiType::motion, "motion SVD", {0, 210, 0}, 2},
                                     {RoiType::pupil, "pupil", {0, 0, 255}, 2}};
const cv::Scalar kReflectorColour(0, 235, 255), kLabelPlate(40, 40, 40);

// Where full-resolution pixels of each view land in the enlarged average frame.
class Placement {
 public:
  Placement(const FacemapResult& result, double scale) : scale_(scale) {
    // The binned views sit side by side (facemap/svd/binning.hpp); a view's columns start after
    // the binned widths of the views before it.
    int binned_column = 0;
    for (size_t v = 0; v < std::max<size_t>(1, result.lx.size()); ++v) {
      column_offsets_.push_back(binned_column * result.sbin);
      if (v < result.lx.size()) binned_column += result.lx[v] / result.sbin;
    }
  }
  // The display point of full-resolution (x, y) of `view` (pixel centres at whole numbers).
  cv::Point at(int view, double x, double y) const {
    const int offset = column_offsets_.at(size_t(std::max(0, view)));
    return {int(std::lround((x + offset + 0.5) * scale_)), int(std::lround((y + 0.5) * scale_))};
  }
  double scale() const { return scale_; }

 private:
  double scale_;
  std::vector<int> column_offsets_;
};

// The outline of a mask of a region's crop, in display points.
std::vector<std::vector<cv::Point>> mask_outline(const RoiMask& mask, const RegionCrop& crop,
                                                 int view, const Placement& placement) {
  const Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic> bytes =
      mask.cast<std::uint8_t>().matrix();
  cv::Mat image;
  cv::eigen2cv(bytes, image);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(image, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
  for (auto& contour : contours) {
    for (cv::Point& point : contour)
      point = placement.at(view, point.x + crop.left(), point.y + crop.top());
  }
  return contours;
}

// Writes a region's name on a dark plate next to its box, where it overlaps no name written
// before: above the box, else below it, else inside its top.
void place_label(cv::Mat& image, const std::string& text, const cv::Rect& box,
                 const cv::Scalar& colour, detail::LabelPlacer& labels) {
  const int height = detail::text_size(text).height;
  const cv::Point origin = labels.place(
      text, detail::kLabelText,
      {{box.x, box.y - 7}, {box.x, box.br().y + height + 7}, {box.x + 4, box.y + height + 5}});
  cv::rectangle(image, detail::LabelPlacer::box(text, detail::kLabelText, origin), kLabelPlate,
                cv::FILLED);
  detail::put_text(image, text, origin, detail::kLabelText, colour);
}

// The region outlines of one style on the enlarged frame; returns whether any was drawn.
bool draw_regions(cv::Mat& image, const FacemapResult& result, const RegionStyle& style,
                  const Placement& placement, detail::LabelPlacer& labels) {
  bool drawn = false;
  for (const Roi& roi : result.rois) {
    if (roi.type != style.type) continue;
    const bool known_view = size_t(roi.view) < result.ly.size();
    const FrameSize view = known_view
                               ? FrameSize{result.ly[size_t(roi.view)], result.lx[size_t(roi.view)]}
                               : FrameSize{int(result.avgframe.rows()) * result.sbin,
                                           int(result.avgframe.cols()) * result.sbin};
    const RegionCrop crop(roi, view);
    const cv::Rect box(
        placement.at(roi.view, crop.left() - 0.5, crop.top() - 0.5),
        placement.at(roi.view, crop.left() + crop.cols() - 0.5, crop.top() + crop.rows() - 0.5));
    if (roi.type == RoiType::pupil || roi.type == RoiType::blink) {
      cv::polylines(image, mask_outline(crop.ellipse(roi), crop, roi.view, placement), true,
                    style.colour, style.thickness, cv::LINE_AA);
    } else {
      cv::rectangle(image, box, style.colour, style.thickness, cv::LINE_AA);
    }
    for (const RoiMask& reflector : roi.reflectors) {
      crop.check_mask(reflector, "reflector");
      cv::polylines(image, mask_outline(reflector, crop, roi.view, placement), true,
                    kReflectorColour, 2, cv::LINE_AA);
    }
    place_label(image, roi.name.empty() ? style.legend : roi.name, box, style.colour, labels);
    drawn = true;
  }
  return drawn;
}

// A row of colour samples with their names, starting at `origin`.
void draw_region_legend(cv::Mat& figure,
                        const std::vector<std::pair<std::string, cv::Scalar>>& entries,
                        cv::Point origin) {
  for (const auto& [name, colour] : entries) {
    cv::line(figure, {origin.x, origin.y - 5}, {origin.x + 24, origin.y - 5}, colour, 3,
             cv::LINE_AA);
    detail::put_text(figure, name, {origin.x + 30, origin.y});
    origin.x += 30 + detail::text_size(name).width + 26;
  }
}

Eigen::MatrixXf component_mask(const SvdComponents& svd, int k) {
  using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(svd.masks.col(k).data(), svd.ly, svd.lx);
}

// A vertical colour bar for masks each scaled to its largest magnitude, at `area`.
void draw_mask_colour_bar(cv::Mat& figure, const cv::Rect& area) {
  const Eigen::MatrixXf ramp = Eigen::VectorXf::LinSpaced(area.height, 1.0f, -1.0f);
  cv::Mat bar;
  cv::resize(detail::diverging_image(ramp, 1.0), bar, area.size(), 0, 0, cv::INTER_NEAREST);
  bar.copyTo(figure(area));
  cv::rectangle(figure, area, detail::kBlack);
  const int right = area.br().x + 6;
  detail::put_text(figure, "+max", {right, area.y + 10}, detail::kTickText);
  detail::put_text(figure, "0", {right, area.y + area.height / 2 + 5}, detail::kTickText);
  detail::put_text(figure, "-max", {right, area.br().y}, detail::kTickText);
}

int shown_components(const SvdComponents& svd, int count, const std::string& what) {
  const int shown = std::min<int>(count, int(svd.masks.cols()));
  if (shown < 1) throw std::invalid_argument(what + ": no components to show");
  return shown;
}

void write_trace_panels(const std::filesystem::path& png, const std::string& title,
                        const std::vector<Axes>& panels, int panel_height = kPanelHeight) {
  detail::write_png(png, detail::panels_figure(title, panels, kTraceWidth, panel_height));
}

// A raw trace in light gray under its smoothed version, when there is one.
std::vector<Series> raw_and_smoothed(const Eigen::VectorXd& raw, const Eigen::VectorXd& smooth) {
  std::vector<Series> series{{"raw", raw, kRawGray, 2}};
  if (smooth.size()) series.push_back({"smoothed", smooth, detail::series_colour(0), 1});
  return series;
}

}  // namespace

void write_regions_figure(const std::filesystem::path& png, const std::string& title,
                          const FacemapResult& result) {
  if (result.avgframe.size() == 0 || result.sbin < 1)
    throw std::invalid_argument("regions figure: the result has no average frame");
  const double full_width = double(result.avgframe.cols()) * result.sbin;
  const double full_height = double(result.avgframe.rows()) * result.sbin;
  const Placement placement(result, std::min(900 / full_width, 640 / full_height));

  cv::Mat values, gray, image;
  cv::eigen2cv(result.avgframe, values);
  values.convertTo(gray, CV_8U);  // gray levels already; saturates outside 0..255
  cv::resize(gray, gray,
             cv::Size(int(std::lround(full_width * placement.scale())),
                      int(std::lround(full_height * placement.scale()))),
             0, 0, cv::INTER_LINEAR);
  cv::cvtColor(gray, image, cv::COLOR_GRAY2BGR);

  std::vector<std::pair<std::string, cv::Scalar>> legend;
  detail::LabelPlacer labels(image.size());
  for (const RegionStyle& style : kRegionStyles) {
    if (draw_regions(image, result, style, placement, labels))
      legend.emplace_back(style.legend, style.colour);
  }
  const bool reflectors = std::any_of(result.rois.begin(), result.rois.end(),
                                      [](const Roi& roi) { return !roi.reflectors.empty(); });
  if (reflectors) legend.emplace_back("reflector", kReflectorColour);
  if (legend.empty()) legend.emplace_back("no regions", detail::kWhite);

  constexpr int kLegendHeight = 40;
  const int width = std::max(image.cols + 2 * kMargin, 640);
  cv::Mat figure = detail::new_figure(
      width, kFigureTitleHeight + image.rows + kLegendHeight + kMargin / 2, title);
  image.copyTo(
      figure(cv::Rect((width - image.cols) / 2, kFigureTitleHeight, image.cols, image.rows)));
  draw_region_legend(figure, legend, {kMargin, kFigureTitleHeight + image.rows + 28});
  detail::write_png(png, figure);
}

void write_svd_masks_figure(const std::filesystem::path& png, const std::string& title,
                            const SvdComponents& svd, int count) {
  const int shown = shown_components(svd, count, "masks figure");
  if (svd.ly < 1 || svd.lx < 1 || Eigen::Index(svd.ly) * svd.lx != svd.masks.rows())
    throw std::invalid_argument("masks figure: the masks do not have ly x lx pixels");
  constexpr int kColumns = 4, kCellSize = 220, kGap = 18, kCaptionHeight = 22, kBarWidth = 100;
  const double scale = std::min(double(kCellSize) / svd.lx, double(kCellSize) / svd.ly);
  const cv::Size cell(int(std::lround(svd.lx * scale)), int(std::lround(svd.ly * scale)));
  const int rows = (shown + kColumns - 1) / kColumns;
  const int columns = std::min(shown, kColumns);
  const int width = kMargin + columns * (cell.width + kGap) + kBarWidth;
  cv::Mat figure = detail::new_figure(
      width, kFigureTitleHeight + rows * (kCaptionHeight + cell.height + kGap) + kMargin, title);
  for (int k = 0; k < shown; ++k) {
    const Eigen::MatrixXf mask = component_mask(svd, k);
    cv::Mat enlarged;
    cv::resize(detail::diverging_image(mask, mask.cwiseAbs().maxCoeff()), enlarged, cell, 0, 0,
               cv::INTER_NEAREST);
    const cv::Point corner(kMargin + (k % kColumns) * (cell.width + kGap),
                           kFigureTitleHeight +
                               (k / kColumns) * (kCaptionHeight + cell.height + kGap) +
                               kCaptionHeight);
    enlarged.copyTo(figure(cv::Rect(corner, cell)));
    cv::rectangle(figure, cv::Rect(corner, cell), detail::kDarkGray);
    char caption[64];
    std::snprintf(caption, sizeof caption, "component %d (s = %.4g)", k,
                  k < svd.singular_values.size() ? double(svd.singular_values(k)) : NAN);
    detail::put_text(figure, caption, {corner.x, corner.y - 6}, detail::kTickText);
  }
  draw_mask_colour_bar(figure, cv::Rect(width - kBarWidth + 10, kFigureTitleHeight + kCaptionHeight,
                                        18, cell.height));
  detail::write_png(png, figure);
}

void write_svd_traces_figure(const std::filesystem::path& png, const std::string& title,
                             const SvdComponents& svd, int count) {
  const int shown = shown_components(svd, count, "SVD traces figure");
  if (svd.projections.rows() == 0)
    throw std::invalid_argument("SVD traces figure: the projections have no frames");
  Axes axes;
  axes.y_label = "projection (each scaled)";
  axes.stacked = true;
  for (int k = 0; k < shown; ++k) {
    axes.series.push_back({"comp. " + std::to_string(k), svd.projections.col(k).cast<double>(),
                           detail::series_colour(k), 1});
  }
  write_trace_panels(png, title, {axes}, std::max(kPanelHeight, 80 + 40 * shown));
}

void write_pupil_traces_figure(const std::filesystem::path& png, const std::string& title,
                               const PupilTrace& pupil) {
  if (pupil.area.size() == 0 || pupil.com.rows() != pupil.area.size() || pupil.com.cols() != 2)
    throw std::invalid_argument("pupil figure: the trace has no frames, or no centre per frame");
  const bool smooth_centre = pupil.com_smooth.rows() == pupil.com.rows();
  const auto centre_panel = [&](int column, const std::string& axis) {
    return Axes{"pupil centre " + axis, "frame", axis + " (pixels)",
                raw_and_smoothed(pupil.com.col(column),
                                 smooth_centre ? Eigen::VectorXd(pupil.com_smooth.col(column))
                                               : Eigen::VectorXd())};
  };
  write_trace_panels(png, title,
                     {Axes{"pupil area", "frame", "area (pixels^2)",
                           raw_and_smoothed(pupil.area, pupil.area_smooth)},
                      centre_panel(1, "x (column)"), centre_panel(0, "y (row)")},
                     250);
}

void write_blink_figure(const std::filesystem::path& png, const std::string& title,
                        const BlinkTrace& blink) {
  if (blink.blink.size() == 0) throw std::invalid_argument("blink figure: the trace has no frames");
  write_trace_panels(png, title,
                     {Axes{"",
                           "frame",
                           "eye darkness (a.u.)",
                           {{"blink", blink.blink, detail::series_colour(4), 1}}}});
}

void write_running_figure(const std::filesystem::path& png, const std::string& title,
                          const RunningTrace& running) {
  if (running.dy.size() == 0)
    throw std::invalid_argument("running figure: the trace has no frames");
  write_trace_panels(png, title,
                     {Axes{"frame-to-frame shift of the region's content",
                           "frame",
                           "shift (pixels)",
                           {{"dy (down)", running.dy, detail::series_colour(0), 1},
                            {"dx (right)", running.dx, detail::series_colour(1), 1}}}});
}

}  // namespace facemap
