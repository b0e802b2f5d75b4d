#include "facemap/roi/running.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <opencv2/core.hpp>

#include "facemap/roi/region_crop.hpp"

namespace facemap {
namespace {

constexpr double kTaperFraction = 0.01;  // taper width: this times sqrt(rows * cols)
constexpr double kSmoothingSigma = 2.0;  // the Gaussian applied to the whitened spectrum
constexpr double kMaxShiftFraction = 0.4;
constexpr float kWhiteningFloor = 1e-20f;  // keeps X / |X| finite where the spectrum vanishes

// The sigmoid taper of one axis: ~1 in the middle, falling to ~0 over the last few pixels.
cv::Mat axis_taper(int length, double width) {
  const double centre = (length - 1) / 2.0;
  const double edge = centre - 2 * width;  // where the sigmoid crosses 0.5
  cv::Mat taper(1, length, CV_32F);
  for (int i = 0; i < length; ++i) {
    taper.at<float>(i) = float(1.0 / (1.0 + std::exp((std::abs(i - centre) - edge) / width)));
  }
  return taper;
}

cv::Mat edge_taper(int rows, int cols) {
  const double width = kTaperFraction * std::sqrt(double(rows) * cols);
  return axis_taper(rows, width).t() * axis_taper(cols, width);
}

// The spectrum of a unit-sum Gaussian centred on pixel 0 (with wrap-around), which is real.
cv::Mat gaussian_spectrum(int rows, int cols) {
  cv::Mat kernel(rows, cols, CV_32F);
  for (int y = 0; y < rows; ++y) {
    const int dy = std::min(y, rows - y);
    for (int x = 0; x < cols; ++x) {
      const int dx = std::min(x, cols - x);
      kernel.at<float>(y, x) =
          float(std::exp(-(dy * dy + dx * dx) / (2 * kSmoothingSigma * kSmoothingSigma)));
    }
  }
  kernel /= cv::sum(kernel)[0];
  cv::Mat spectrum;
  cv::dft(kernel, spectrum, cv::DFT_COMPLEX_OUTPUT);
  cv::Mat parts[2];
  cv::split(spectrum, parts);
  return parts[0];
}

}  // namespace

struct RunningTracker::State {
  explicit State(const Roi& roi, FrameSize view) : crop(roi, view) {}
  RegionCrop crop;
  int max_shift = 0;
  cv::Mat taper;              // rows x cols, CV_32F
  cv::Mat smoothing;          // rows x cols, CV_32F: the Gaussian's (real) spectrum
  cv::Mat previous_spectrum;  // rows x cols, CV_32FC2; empty before the first frame

  // The whitened, smoothed spectrum of the frame's crop.
  cv::Mat spectrum(const GrayFrame& frame) const {
    cv::Mat pixels(crop.rows(), crop.cols(), CV_32F);
    for (int y = 0; y < crop.rows(); ++y) {
      for (int x = 0; x < crop.cols(); ++x)
        pixels.at<float>(y, x) = frame(crop.top() + y, crop.left() + x);
    }
    pixels -= cv::mean(pixels)[0];
    pixels = pixels.mul(taper);
    cv::Mat result;
    cv::dft(pixels, result, cv::DFT_COMPLEX_OUTPUT);
    for (int y = 0; y < crop.rows(); ++y) {
      for (int x = 0; x < crop.cols(); ++x) {
        cv::Vec2f& value = result.at<cv::Vec2f>(y, x);
        const float scale =
            smoothing.at<float>(y, x) / (kWhiteningFloor + std::hypot(value[0], value[1]));
        value *= scale;
      }
    }
    return result;
  }

  // The argmax of the correlation over shifts within +-max_shift (the first in row order).
  FrameShift peak(const cv::Mat& correlation) const {
    FrameShift best;
    float best_value = -std::numeric_limits<float>::infinity();
    for (int dy = -max_shift; dy <= max_shift; ++dy) {
      const int y = (dy + crop.rows()) % crop.rows();
      for (int dx = -max_shift; dx <= max_shift; ++dx) {
        const float value = correlation.at<float>(y, (dx + crop.cols()) % crop.cols());
        if (value > best_value) {
          best_value = value;
          best = {dy, dx};
        }
      }
    }
    return best;
  }
};

RunningTracker::RunningTracker(const Roi& roi, FrameSize view)
    : state_(std::make_unique<State>(roi, view)) {
  State& state = *state_;
  const int rows = state.crop.rows(), cols = state.crop.cols();
  if (rows < 3 || cols < 3) {
    throw std::invalid_argument(state.crop.label() +
                                " is too small for phase correlation (at least 3 x 3 pixels)");
  }
  state.max_shift = static_cast<int>(
      std::min(std::floor(kMaxShiftFraction * rows), std::floor(kMaxShiftFraction * cols)));
  state.taper = edge_taper(rows, cols);
  state.smoothing = gaussian_spectrum(rows, cols);
}

RunningTracker::~RunningTracker() = default;
RunningTracker::RunningTracker(RunningTracker&&) noexcept = default;
RunningTracker& RunningTracker::operator=(RunningTracker&&) noexcept = default;

FrameShift RunningTracker::add(const GrayFrame& frame) {
  State& state = *state_;
  state.crop.check_frame(frame);
  cv::Mat current = state.spectrum(frame);
  FrameShift shift;
  if (!state.previous_spectrum.empty()) {
    cv::Mat cross, correlation;
    cv::mulSpectrums(current, state.previous_spectrum, cross, 0, /*conjB=*/true);
    // The cross spectrum of two real images is conjugate-symmetric, so its inverse is real.
    cv::dft(cross, correlation, cv::DFT_INVERSE | cv::DFT_REAL_OUTPUT);
    shift = state.peak(correlation);
  }
  state.previous_spectrum = std::move(current);
  return shift;
}

}  // namespace facemap
