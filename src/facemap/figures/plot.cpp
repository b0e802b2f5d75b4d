#include "plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <opencv2/core/eigen.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "facemap/io/partial_file.hpp"

namespace facemap::detail {
namespace {

constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
constexpr int kTitleHeight = 26;  // above the plot: the panel's title
constexpr int kXAxisHeight = 46;  // below the plot: tick labels and the x label
constexpr int kRightMargin = 15;
constexpr int kLegendLine = 18;      // pixels per legend entry
constexpr int kLegendSwatch = 24;    // length of an entry's line sample
constexpr int kPixelsPerXTick = 90;  // ticks no closer than this
constexpr int kPixelsPerYTick = 45;

// Finite minimum and maximum of every series (NaN when none is finite).
std::pair<double, double> value_range(const std::vector<Series>& series) {
  double low = NAN, high = NAN;
  for (const Series& s : series) {
    for (Eigen::Index t = 0; t < s.values.size(); ++t) {
      const double v = s.values(t);
      if (!std::isfinite(v)) continue;
      low = std::isnan(low) ? v : std::min(low, v);
      high = std::isnan(high) ? v : std::max(high, v);
    }
  }
  return {low, high};
}

// [low, high] widened by 5% each way, or by 1 around a constant.
std::pair<double, double> padded(double low, double high) {
  if (!(high > low)) return {low - 1, high + 1};
  const double pad = 0.05 * (high - low);
  return {low - pad, high + pad};
}

// `values` as polylines in the rectangle `band`, broken where a value is not finite; frame t of
// `frames` at x, values low .. high from the band's bottom to its top.
std::vector<std::vector<cv::Point>> trace_lines(const Eigen::VectorXd& values, int frames,
                                                const cv::Rect& band, double low, double high) {
  std::vector<std::vector<cv::Point>> lines(1);
  const double last = std::max(1, frames - 1);
  for (Eigen::Index t = 0; t < values.size(); ++t) {
    if (!std::isfinite(values(t))) {
      if (!lines.back().empty()) lines.emplace_back();
      continue;
    }
    const double x = band.x + (band.width - 1) * (double(t) / last);
    const double y = band.y + (band.height - 1) * (1 - (values(t) - low) / (high - low));
    lines.back().emplace_back(int(std::lround(x)), int(std::lround(y)));
  }
  // A lone point draws nothing as a line; give it a length so that it shows.
  for (auto& line : lines) {
    if (line.size() == 1) line.push_back(line.front() + cv::Point(1, 0));
  }
  return lines;
}

void draw_series(cv::Mat& figure, const Series& s, int frames, const cv::Rect& band, double low,
                 double high) {
  cv::polylines(figure, trace_lines(s.values, frames, band, low, high), false, s.colour,
                s.thickness, cv::LINE_AA);
}

// The y label turned a quarter anticlockwise, centred on the plot's height at column x.
void put_vertical_text(cv::Mat& figure, const std::string& text, int x, const cv::Rect& plot) {
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, kFont, kLabelText, 1, &baseline);
  cv::Mat horizontal(size.height + baseline + 4, size.width + 4, CV_8UC3, kWhite);
  put_text(horizontal, text, {2, size.height + 2});
  cv::Mat vertical;
  cv::rotate(horizontal, vertical, cv::ROTATE_90_COUNTERCLOCKWISE);
  const int y = plot.y + (plot.height - vertical.rows) / 2;
  const cv::Rect at =
      cv::Rect(x, y, vertical.cols, vertical.rows) & cv::Rect(0, 0, figure.cols, figure.rows);
  vertical(cv::Rect(0, 0, at.width, at.height)).copyTo(figure(at));
}

// The x axis: frame ticks under the plot, light vertical grid lines, the label.
void draw_frame_axis(cv::Mat& figure, const cv::Rect& plot, int frames, const std::string& label) {
  const double last = std::max(1, frames - 1);
  const auto ticks = nice_ticks(0, last, std::max(2, plot.width / kPixelsPerXTick));
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  for (double tick : ticks) {
    const int x = plot.x + int(std::lround((plot.width - 1) * tick / last));
    cv::line(figure, {x, plot.y}, {x, plot.br().y - 1}, kLightGray);
    cv::line(figure, {x, plot.br().y}, {x, plot.br().y + 4}, kBlack);
    const std::string text = tick_label(tick, step);
    put_text(figure, text, {x - text_size(text, kTickText).width / 2, plot.br().y + 19}, kTickText);
  }
  put_text(figure, label, {plot.x + (plot.width - text_size(label).width) / 2, plot.br().y + 40});
}

void draw_legend(cv::Mat& figure, const std::vector<Series>& series, cv::Point at) {
  for (size_t i = 0; i < series.size(); ++i) {
    const int y = at.y + int(i) * kLegendLine;
    cv::line(figure, {at.x, y - 5}, {at.x + kLegendSwatch, y - 5}, series[i].colour,
             std::max(2, series[i].thickness), cv::LINE_AA);
    put_text(figure, series[i].label, {at.x + kLegendSwatch + 6, y}, kTickText);
  }
}

int legend_width(const Axes& axes) {
  if (!axes.legend || axes.stacked) return 0;
  int widest = 0;
  for (const Series& s : axes.series)
    widest = std::max(widest, text_size(s.label, kTickText).width);
  return widest ? widest + kLegendSwatch + 22 : 0;
}

}  // namespace

cv::Scalar series_colour(int index) {
  // Matplotlib's tab10 (RGB), then five darker hues from tab20b; stored here as BGR.
  static const cv::Scalar palette[] = {
      {180, 119, 31}, {14, 127, 255},  {44, 160, 44},   {40, 39, 214},  {189, 103, 148},
      {75, 86, 140},  {194, 119, 227}, {127, 127, 127}, {34, 189, 188}, {207, 190, 23},
      {121, 59, 57},  {57, 121, 99},   {49, 109, 140},  {57, 60, 132},  {115, 65, 123}};
  constexpr int count = sizeof(palette) / sizeof(palette[0]);
  return palette[((index % count) + count) % count];
}

cv::Mat new_figure(int width, int height, const std::string& title) {
  cv::Mat figure(height, width, CV_8UC3, kWhite);
  put_text(figure, title, {12, 26}, kTitleText);
  return figure;
}

void draw_axes(cv::Mat& figure, const cv::Rect& area, const Axes& axes) {
  const int top = area.y + kTitleHeight, height = area.height - kTitleHeight - kXAxisHeight;
  int frames = 0;
  for (const Series& s : axes.series) frames = std::max(frames, int(s.values.size()));

  // The y axis's labels decide the left margin: values, or the series' names when stacked.
  std::vector<std::pair<int, std::string>> y_labels;  // (pixel row, text)
  auto [low, high] = padded(value_range(axes.series).first, value_range(axes.series).second);
  const bool has_values = std::isfinite(low);
  if (axes.stacked) {
    const double band = double(height) / std::max<size_t>(1, axes.series.size());
    for (size_t i = 0; i < axes.series.size(); ++i)
      y_labels.emplace_back(top + int((i + 0.5) * band), axes.series[i].label);
  } else if (has_values) {
    const auto ticks = nice_ticks(low, high, std::max(2, height / kPixelsPerYTick));
    const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
    for (double tick : ticks) {
      y_labels.emplace_back(
          top + int(std::lround((height - 1) * (1 - (tick - low) / (high - low)))),
          tick_label(tick, step));
    }
  }
  int widest = 0;
  for (const auto& label : y_labels)
    widest = std::max(widest, text_size(label.second, kTickText).width);
  const int y_title = axes.y_label.empty() ? 0 : text_size(axes.y_label).height + 14;
  const int left = 6 + y_title + widest + 10;
  const cv::Rect plot(area.x + left, top, area.width - left - kRightMargin - legend_width(axes),
                      height);

  put_text(figure, axes.title, {plot.x, area.y + 18});
  if (!axes.y_label.empty()) put_vertical_text(figure, axes.y_label, area.x + 6, plot);
  for (const auto& [y, text] : y_labels) {
    if (!axes.stacked) cv::line(figure, {plot.x, y}, {plot.br().x - 1, y}, kLightGray);
    cv::line(figure, {plot.x - 4, y}, {plot.x, y}, kBlack);
    const cv::Size size = text_size(text, kTickText);
    put_text(figure, text, {plot.x - 8 - size.width, y + size.height / 2}, kTickText);
  }
  draw_frame_axis(figure, plot, frames, axes.x_label);

  if (!has_values) {
    const std::string note = "no values (every frame failed or is missing)";
    put_text(figure, note,
             {plot.x + (plot.width - text_size(note).width) / 2, plot.y + plot.height / 2});
  } else if (axes.stacked) {
    const double band = double(plot.height) / std::max<size_t>(1, axes.series.size());
    for (size_t i = 0; i < axes.series.size(); ++i) {
      // Each trace within 80% of its band, so that neighbours do not touch.
      const cv::Rect inner(plot.x, plot.y + int((i + 0.1) * band), plot.width,
                           std::max(1, int(0.8 * band)));
      const auto [own_low, own_high] = value_range({axes.series[i]});
      if (!std::isfinite(own_low)) continue;
      const auto range =
          own_high > own_low ? std::pair{own_low, own_high} : padded(own_low, own_high);
      draw_series(figure, axes.series[i], frames, inner, range.first, range.second);
    }
  } else {
    for (const Series& s : axes.series) draw_series(figure, s, frames, plot, low, high);
  }
  cv::rectangle(figure, plot, kBlack);
  if (legend_width(axes)) draw_legend(figure, axes.series, {plot.br().x + 14, plot.y + 12});
}

cv::Mat panels_figure(const std::string& title, const std::vector<Axes>& panels, int width,
                      int panel_height) {
  constexpr int kFigureTitleHeight = 40;
  cv::Mat figure = new_figure(width, kFigureTitleHeight + int(panels.size()) * panel_height, title);
  for (size_t i = 0; i < panels.size(); ++i) {
    draw_axes(figure, {0, kFigureTitleHeight + int(i) * panel_height, width, panel_height},
              panels[i]);
  }
  return figure;
}

void put_text(cv::Mat& image, const std::string& text, cv::Point origin, double scale,
              const cv::Scalar& colour) {
  cv::putText(image, text, origin, kFont, scale, colour, 1, cv::LINE_AA);
}

void put_outlined_text(cv::Mat& image, const std::string& text, cv::Point origin, double scale,
                       const cv::Scalar& colour, const cv::Scalar& outline) {
  cv::putText(image, text, origin, kFont, scale, outline, 3, cv::LINE_AA);
  cv::putText(image, text, origin, kFont, scale, colour, 1, cv::LINE_AA);
}

cv::Size text_size(const std::string& text, double scale) {
  int baseline = 0;
  return cv::getTextSize(text, kFont, scale, 1, &baseline);
}

cv::Rect LabelPlacer::box(const std::string& text, double scale, cv::Point origin) {
  const cv::Size size = text_size(text, scale);
  return {origin.x - 2, origin.y - size.height - 3, size.width + 4, size.height + 7};
}

cv::Point LabelPlacer::place(const std::string& text, double scale,
                             const std::vector<cv::Point>& origins) {
  const cv::Rect bounds(cv::Point(0, 0), bounds_);
  const auto inside = [&](cv::Point origin) {
    const cv::Rect area = box(text, scale, origin);
    return (area & bounds) == area;
  };
  const auto free = [&](cv::Point origin) {
    const cv::Rect area = box(text, scale, origin);
    return inside(origin) && std::none_of(taken_.begin(), taken_.end(), [&](const cv::Rect& other) {
             return (area & other).area() > 0;
           });
  };
  // Where nothing is free, a place inside the image is better than a cut label.
  auto found = std::find_if(origins.begin(), origins.end(), free);
  if (found == origins.end()) found = std::find_if(origins.begin(), origins.end(), inside);
  const cv::Point chosen = found != origins.end() ? *found : origins.front();
  taken_.push_back(box(text, scale, chosen));
  return chosen;
}

std::vector<double> nice_ticks(double low, double high, int target) {
  if (!(high > low) || target < 1) return {low};
  const double raw = (high - low) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double residual = raw / magnitude;
  const double step = magnitude * (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10);
  std::vector<double> ticks;
  for (double tick = std::ceil(low / step) * step; tick <= high + 1e-9 * step; tick += step)
    ticks.push_back(std::abs(tick) < 1e-9 * step ? 0.0 : tick);  // no "-0"
  if (ticks.empty()) ticks.push_back(low);
  return ticks;
}

std::string tick_label(double value, double step) {
  char text[32];
  if (std::abs(value) >= 1e6) {
    std::snprintf(text, sizeof text, "%.3g", value);
  } else {
    const int decimals = step >= 1 ? 0 : int(std::ceil(-std::log10(step) - 1e-9));
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
  }
  return text;
}

cv::Mat diverging_image(const Eigen::MatrixXf& image, double limit) {
  static const cv::Mat colours = [] {
    // Matplotlib's RdBu reversed at five points (as BGR), interpolated to 256 entries.
    const cv::Mat anchors =
        (cv::Mat_<cv::Vec3b>(5, 1) << cv::Vec3b(97, 48, 5), cv::Vec3b(195, 147, 67),
         cv::Vec3b(247, 247, 247), cv::Vec3b(77, 96, 214), cv::Vec3b(31, 0, 103));
    cv::Mat table;  // applyColorMap takes a user map of 256 rows
    cv::resize(anchors, table, cv::Size(1, 256), 0, 0, cv::INTER_LINEAR);
    return table;
  }();
  cv::Mat values, levels, coloured;
  cv::eigen2cv(image, values);
  // -limit .. +limit to 0 .. 255; convertTo saturates beyond.
  const double gain = limit > 0 ? 127.5 / limit : 0;
  values.convertTo(levels, CV_8U, gain, 127.5);
  cv::applyColorMap(levels, coloured, colours);
  return coloured;
}

void write_png(const std::filesystem::path& png, const cv::Mat& image) {
  PartialFile partial(png);  // keeps the name, whose extension tells imwrite the format
  bool written = false;
  try {
    written = cv::imwrite(partial.path().string(), image);
  } catch (const cv::Exception& e) {
    throw std::runtime_error(png.string() + ": cannot write the figure: " + e.what());
  }
  if (!written) throw std::runtime_error(png.string() + ": cannot write the figure");
  partial.commit();
}

}  // namespace facemap::detail
