// GCC 12 false positive inside its AVX-512 intrinsics when Eigen's reductions are inlined.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "facemap/roi/pupil.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

#include <Eigen/Eigenvalues>

namespace facemap {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kRefits = 5;
constexpr double kDropDistance = 2.0;        // x sigma^2: pixels beyond are dropped
constexpr double kReflectorDistance = 1.15;  // x sigma^2: reflector pixels within count as pupil
constexpr double kReflectorWeight = 1.1;     // x the median weight near the centre
constexpr double kCovarianceFloor = 0.01;    // added to the covariance's diagonal
constexpr double kMaxAxisRatio = 4.0;        // major variance <= 4 x minor variance

struct Gaussian {
  Eigen::Vector2d mean;
  Eigen::Matrix2d covariance;
  Eigen::Matrix2d inverse;
};

// Weighted mean and covariance (+ floor) of `points`; nothing when the weights sum to zero.
std::optional<Gaussian> fit_gaussian(const Eigen::Matrix2Xd& points,
                                     const Eigen::VectorXd& weights) {
  const double total = weights.sum();
  if (!(total > 0)) return std::nullopt;
  const Eigen::VectorXd normalised = weights / total;
  Gaussian gaussian;
  gaussian.mean = points * normalised;
  const Eigen::Matrix2Xd centred = points.colwise() - gaussian.mean;
  gaussian.covariance = centred * normalised.asDiagonal() * centred.transpose() +
                        kCovarianceFloor * Eigen::Matrix2d::Identity();
  gaussian.inverse = gaussian.covariance.inverse();
  return gaussian;
}

// Squared Mahalanobis distance of each point from the Gaussian.
Eigen::VectorXd mahalanobis2(const Eigen::Matrix2Xd& points, const Gaussian& gaussian) {
  const Eigen::Matrix2Xd centred = points.colwise() - gaussian.mean;
  return (gaussian.inverse * centred).cwiseProduct(centred).colwise().sum().transpose();
}

// numpy's median (the mean of the two middle values for an even count); NaN when empty.
double median(std::vector<double> values) {
  if (values.empty()) return kNaN;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2 == 1) return *middle;
  return 0.5 * (*middle + *std::max_element(values.begin(), middle));
}

PupilFit failed_fit() {
  PupilFit fit;
  fit.com.setConstant(kNaN);
  fit.axlen.setConstant(kNaN);
  fit.axdir.setConstant(kNaN);
  fit.area = kNaN;
  return fit;
}

// The axes of sigma^2 x covariance, major first, the major variance clamped to 4x the minor.
void set_axes(const Eigen::Matrix2d& covariance, double sigma, PupilFit& fit) {
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> eigen(sigma * sigma * covariance);
  const double minor = eigen.eigenvalues()(0);  // ascending order
  const double major = std::min(eigen.eigenvalues()(1), kMaxAxisRatio * minor);
  fit.axlen = Eigen::Vector2d(major, minor);
  fit.axdir.col(0) = eigen.eigenvectors().col(1);
  fit.axdir.col(1) = eigen.eigenvectors().col(0);
  for (int axis = 0; axis < 2; ++axis) {
    Eigen::Index largest = 0;
    fit.axdir.col(axis).cwiseAbs().maxCoeff(&largest);
    if (fit.axdir(largest, axis) < 0) fit.axdir.col(axis) *= -1.0;
  }
  fit.area = M_PI * std::sqrt(major * minor);
}

}  // namespace

PupilFitter::PupilFitter(const Roi& roi, FrameSize view)
    : crop_(roi, view), saturation_(roi.saturation), sigma_(roi.pupil_sigma) {
  const RoiMask ellipse = crop_.ellipse(roi);
  RoiMask on_reflector = RoiMask::Constant(crop_.rows(), crop_.cols(), false);
  for (std::size_t r = 0; r < roi.reflectors.size(); ++r) {
    crop_.check_mask(roi.reflectors[r], "reflector " + std::to_string(r));
    on_reflector = on_reflector || roi.reflectors[r];
  }
  candidates_.resize(2, (ellipse && !on_reflector).count());
  reflector_.resize(2, on_reflector.count());
  Eigen::Index candidate = 0, reflected = 0;
  for (int y = 0; y < crop_.rows(); ++y) {
    for (int x = 0; x < crop_.cols(); ++x) {
      // Reflector pixels take part wherever they are, as in Facemap, even outside the ellipse.
      if (on_reflector(y, x))
        reflector_.col(reflected++) = Eigen::Vector2d(y, x);
      else if (ellipse(y, x))
        candidates_.col(candidate++) = Eigen::Vector2i(y, x);
    }
  }
}

PupilFit PupilFitter::fit(const GrayFrame& frame) const {
  crop_.check_frame(frame);
  const double sigma2 = sigma_ * sigma_;

  // The pixels darker than the saturation, weighted by how much darker.
  std::vector<double> dark_weights;
  std::vector<Eigen::Vector2d> dark_points;
  for (Eigen::Index i = 0; i < candidates_.cols(); ++i) {
    const int y = candidates_(0, i), x = candidates_(1, i);
    const double weight = saturation_ - frame(crop_.top() + y, crop_.left() + x);
    if (weight > 0) {
      dark_weights.push_back(weight);
      dark_points.emplace_back(y, x);
    }
  }
  const Eigen::Index ndark = static_cast<Eigen::Index>(dark_weights.size());
  const Eigen::Index nreflector = reflector_.cols();
  Eigen::Matrix2Xd points(2, ndark + nreflector);
  for (Eigen::Index i = 0; i < ndark; ++i) points.col(i) = dark_points[i];
  points.rightCols(nreflector) = reflector_;
  Eigen::VectorXd weights = Eigen::VectorXd::Zero(ndark + nreflector);
  weights.head(ndark) = Eigen::Map<const Eigen::VectorXd>(dark_weights.data(), ndark);

  std::optional<Gaussian> gaussian = fit_gaussian(points, weights);
  for (int refit = 0; refit < kRefits && gaussian; ++refit) {
    const Eigen::VectorXd distance = mahalanobis2(points, *gaussian);
    std::vector<double> central;
    for (Eigen::Index i = 0; i < ndark; ++i) {
      if (distance(i) > kDropDistance * sigma2) weights(i) = 0;
      if (distance(i) <= sigma2) central.push_back(weights(i));
    }
    const double central_median = median(std::move(central));
    if (std::isnan(central_median)) return failed_fit();
    for (Eigen::Index i = ndark; i < ndark + nreflector; ++i) {
      weights(i) =
          distance(i) <= kReflectorDistance * sigma2 ? kReflectorWeight * central_median : 0.0;
    }
    gaussian = fit_gaussian(points, weights);
  }
  if (!gaussian) return failed_fit();

  PupilFit fit;
  fit.valid = true;
  fit.com = gaussian->mean + Eigen::Vector2d(crop_.top(), crop_.left());
  set_axes(gaussian->covariance, sigma_, fit);
  return fit;
}

PupilFit fit_pupil(const GrayFrame& frame, const Roi& roi) {
  return PupilFitter(roi, {static_cast<int>(frame.rows()), static_cast<int>(frame.cols())})
      .fit(frame);
}

}  // namespace facemap
