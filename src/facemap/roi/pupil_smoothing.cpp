#include <algorithm>
#include <cmath>
#include <vector>

#include "facemap/roi/pupil.hpp"

namespace facemap {
namespace {

// Facemap's window: 30 frames, from 14 before to 15 after the frame.
constexpr int kWindowBefore = 14;
constexpr int kWindowAfter = 15;

// The median of the non-NaN values in frames t - 14 .. t + 15; within 14 frames of an end, in
// the largest window centred on t that fits (frame 0's is itself). NaN if none.
Eigen::VectorXd running_median(const Eigen::VectorXd& trace) {
  const Eigen::Index n = trace.size();
  Eigen::VectorXd medians(n);
  std::vector<double> window;
  for (Eigen::Index t = 0; t < n; ++t) {
    window.clear();
    Eigen::Index first = t - kWindowBefore, last = t + kWindowAfter;
    if (first < 0 || last >= n) {
      const Eigen::Index half = std::min(t, n - 1 - t);
      first = t - half;
      last = t + half;
    }
    for (Eigen::Index s = first; s <= last; ++s) {
      if (!std::isnan(trace(s))) window.push_back(trace(s));
    }
    if (window.empty()) {
      medians(t) = std::nan("");
      continue;
    }
    std::sort(window.begin(), window.end());
    const std::size_t half = window.size() / 2;
    medians(t) = window.size() % 2 ? window[half] : 0.5 * (window[half - 1] + window[half]);
  }
  return medians;
}

// numpy.interp: linear between the known points, the end values beyond them.
double interpolate(const std::vector<Eigen::Index>& known, const Eigen::VectorXd& values,
                   Eigen::Index t) {
  const auto after = std::lower_bound(known.begin(), known.end(), t);
  if (after == known.begin()) return values(known.front());
  if (after == known.end()) return values(known.back());
  const Eigen::Index t1 = *after, t0 = *(after - 1);
  const double fraction = double(t - t0) / double(t1 - t0);
  return values(t0) + fraction * (values(t1) - values(t0));
}

}  // namespace

Eigen::VectorXd smooth_pupil_trace(const Eigen::VectorXd& trace) {
  Eigen::VectorXd smoothed = trace;
  Eigen::VectorXd medians = running_median(trace);
  std::vector<Eigen::Index> known, missing;
  for (Eigen::Index t = 0; t < trace.size(); ++t) {
    (std::isnan(trace(t)) || std::isnan(medians(t)) ? missing : known).push_back(t);
  }
  for (Eigen::Index t : missing) {
    smoothed(t) = known.empty() ? 0.0 : interpolate(known, medians, t);
    medians(t) = smoothed(t);
  }
  if (smoothed.size() == 0) return smoothed;
  // Population standard deviation, as numpy's std.
  const double deviation = std::sqrt((smoothed.array() - smoothed.mean()).square().mean());
  const Eigen::Array<bool, Eigen::Dynamic, 1> outlier =
      (smoothed - medians).array().abs() > deviation / 2;
  return outlier.select(medians.array(), smoothed.array()).matrix();
}

}  // namespace facemap
