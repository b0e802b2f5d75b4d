#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

#include <opencv2/imgproc.hpp>

#include "synth_model.hpp"

namespace facemap {
namespace {

constexpr double kTwoPi = 2 * M_PI;

// Uniform in [0, 1) from the generator's raw bits: std::uniform_real_distribution is not
// specified bit for bit, and the video must be the same from the same seed everywhere.
double uniform(std::mt19937_64& random) {
  return (random() >> 11) * 0x1.0p-53;
}

int uniform_int(std::mt19937_64& random, int low, int high) {
  return low + static_cast<int>(uniform(random) * (high - low + 1));
}

void check(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("synthetic face: " + what);
}

void check_params(const SynthParams& params) {
  check(params.height >= 64 && params.width >= 64, "height and width must be at least 64, got " +
                                                       std::to_string(params.height) + " x " +
                                                       std::to_string(params.width));
  check(params.nframes >= 1, "nframes must be at least 1, got " + std::to_string(params.nframes));
  check(params.fps > 0, "fps must be positive");
  check(params.noise_sigma >= 0, "noise_sigma must not be negative");
  check(params.whisk_hz >= 0 && params.whisk_hz < params.fps / 2,
        "whisk_hz must be in [0, fps / 2)");
  check(params.blink_interval_s > 0, "blink_interval_s must be positive");
  check(params.blink_frames >= 3, "blink_frames must be at least 3");
  check(params.max_wheel_shift >= 0 && params.max_wheel_shift <= 8,
        "max_wheel_shift must be in 0..8");
}

// Smooth random texture: Gaussian noise blurred by `sigma`, stretched to [low, high]. With
// `periodic`, the blur wraps around, so the texture tiles seamlessly.
cv::Mat smooth_texture(cv::Size size, double sigma, double low, double high, cv::RNG& random,
                       bool periodic) {
  cv::Mat noise(size, CV_32F);
  random.fill(noise, cv::RNG::NORMAL, 0.0, 1.0);
  cv::Mat blurred;
  if (periodic) {
    const int margin = static_cast<int>(std::ceil(4 * sigma));
    cv::Mat wrapped;
    cv::copyMakeBorder(noise, wrapped, margin, margin, margin, margin, cv::BORDER_WRAP);
    cv::GaussianBlur(wrapped, wrapped, cv::Size(), sigma);
    blurred = wrapped(cv::Rect(margin, margin, size.width, size.height)).clone();
  } else {
    cv::GaussianBlur(noise, blurred, cv::Size(), sigma);
  }
  cv::Mat texture;
  cv::normalize(blurred, blurred, low, high, cv::NORM_MINMAX);
  blurred.convertTo(texture, CV_8U);
  return texture;
}

cv::Point2d to_point(const RowCol& p) {
  return {p(1), p(0)};
}

}  // namespace

SyntheticFace::Model::Model(const SynthParams& p) : params(p) {
  check_params(p);
  scale = RowCol(p.height / 256.0, p.width / 256.0);
  const auto at = [&](double row, double col) -> RowCol {
    return RowCol(row, col).cwiseProduct(scale);
  };
  head_centre = at(105, 70);
  head_radii = at(115, 120);
  snout_centre = at(128, 185);
  snout_radii = at(50, 62);
  eye_centre = at(96, 110);
  eye_radii = at(22, 32);
  pupil_radii = at(9, 10);
  pupil_wander = at(2, 3);
  reflection_centre = eye_centre + p.reflection_offset.cwiseProduct(scale);
  reflection_radius = 2 * scale.minCoeff();
  nose_centre = at(120, 236);
  nose_radii = at(13, 10);
  nostril_offset = at(4, -4);
  nostril_radius = 2.5 * scale.minCoeff();
  sniff_amplitude = 1.5 * scale(0);
  mouth_corner = at(158, 200);
  mouth_end = at(150, 228);
  lip_centre = at(166, 212);
  lip_radii = at(5, 12);
  lip_drop = 4 * scale(0);
  // The nosebridge sits on the snout's upper outline.
  const double across = (205 * scale(1) - snout_centre(1)) / snout_radii(1);
  nosebridge =
      RowCol(snout_centre(0) - snout_radii(0) * std::sqrt(1 - across * across), 205 * scale(1));
  whisker_roots = {at(100, 200), at(104, 208), at(108, 216)};
  whisker_rest = {-1.25, -1.0, -0.75};
  whisker_length = {55, 45, 35};
  whisk_amplitude = 0.3;
  paw_centre = at(180, 120);
  paw_radii = at(9, 12);
  paw_swing = 15 * scale(1);
  wheel = cv::Rect(cv::Point(int(std::lround(8 * scale(1))), int(std::lround(200 * scale(0)))),
                   cv::Point(int(std::lround(168 * scale(1))), int(std::lround(250 * scale(0)))));

  std::mt19937_64 random(p.seed);
  for (double& value : phase) value = kTwoPi * uniform(random);
  for (int start = int(std::lround(p.fps * (0.8 + 0.4 * uniform(random))));
       start + p.blink_frames <= p.nframes;
       start += std::max(p.blink_frames + 1, int(std::lround(p.fps * p.blink_interval_s *
                                                             (0.6 + 0.8 * uniform(random)))))) {
    blink_starts.push_back(start);
  }
  // The wheel runs in bouts of 10-40 frames at a constant whole-pixel speed.
  wheel_offset.assign(p.nframes, Eigen::Vector2i::Zero());
  Eigen::Vector2i speed = Eigen::Vector2i::Zero();
  for (int t = 1, bout_left = 0; t < p.nframes; ++t, --bout_left) {
    if (bout_left == 0) {
      bout_left = uniform_int(random, 10, 40);
      speed = Eigen::Vector2i(
          uniform_int(random, -std::min(1, p.max_wheel_shift), std::min(1, p.max_wheel_shift)),
          uniform_int(random, -p.max_wheel_shift, p.max_wheel_shift));
    }
    wheel_offset[t] = wheel_offset[t - 1] + speed;
  }

  cv::RNG texture_random(p.seed * 0x9E3779B97F4A7C15ULL + 1);
  const cv::Size frame_size(p.width, p.height);
  const double grain = 1.2 * scale.minCoeff();
  const cv::Mat fur = smooth_texture(frame_size, grain, 150, 215, texture_random, false);
  const cv::Mat background = smooth_texture(frame_size, 3 * grain, 25, 45, texture_random, false);
  cv::Mat head(frame_size, CV_8U, cv::Scalar(0));
  cv::ellipse(
      head,
      cv::RotatedRect(to_point(head_centre), cv::Size2d(2 * head_radii(1), 2 * head_radii(0)), 0),
      cv::Scalar(255), cv::FILLED, cv::LINE_AA);
  cv::ellipse(head,
              cv::RotatedRect(to_point(snout_centre),
                              cv::Size2d(2 * snout_radii(1), 2 * snout_radii(0)), 0),
              cv::Scalar(255), cv::FILLED, cv::LINE_AA);
  // The anti-aliased outline blends fur into background.
  cv::Mat head_weight, background_weight;
  head.convertTo(head_weight, CV_32F, 1.0 / 255);
  cv::subtract(cv::Scalar(1.0), head_weight, background_weight);
  cv::blendLinear(fur, background, head_weight, background_weight, base);
  // A crease across the outline marks the nosebridge.
  const cv::Point2d crease = to_point(nosebridge);
  cv::line(base, crease - cv::Point2d(2, 4) * scale.minCoeff(),
           crease + cv::Point2d(2, 4) * scale.minCoeff(), cv::Scalar(70), 2, cv::LINE_AA);
  wheel_texture = smooth_texture(cv::Size(2 * wheel.width, 2 * wheel.height), 1.5, 40, 220,
                                 texture_random, true);
}

RowCol SyntheticFace::Model::pupil_centre(int t) const {
  const double s = seconds(t);
  return eye_centre + RowCol(pupil_wander(0) * std::sin(kTwoPi * 0.23 * s + phase[0]),
                             pupil_wander(1) * std::sin(kTwoPi * 0.17 * s + phase[1]));
}

RowCol SyntheticFace::Model::pupil_radii_at(int t) const {
  const double s = seconds(t);
  return pupil_radii * (1 + 0.2 * std::sin(kTwoPi * 0.11 * s + phase[2]) +
                        0.08 * std::sin(kTwoPi * 0.6 * s + phase[3]));
}

double SyntheticFace::Model::lid_closure(int t) const {
  const int n = params.blink_frames;
  for (int start : blink_starts) {
    if (t >= start && t < start + n) return 1 - std::abs(2.0 * (t - start) / (n - 1) - 1);
  }
  return 0;
}

double SyntheticFace::Model::whisker_angle(int t) const {
  return whisk_amplitude * std::sin(kTwoPi * params.whisk_hz * seconds(t) + phase[4]);
}

RowCol SyntheticFace::Model::nose_centre_at(int t) const {
  // Sniffing is locked to whisking: the nose rises as the whiskers sweep up.
  return nose_centre + RowCol(sniff_amplitude * whisker_angle(t) / whisk_amplitude, 0);
}

RowCol SyntheticFace::Model::lip_centre_at(int t) const {
  return lip_centre +
         RowCol(lip_drop * std::max(0.0, std::sin(kTwoPi * 0.7 * seconds(t) + phase[5])), 0);
}

RowCol SyntheticFace::Model::paw_centre_at(int t) const {
  return paw_centre +
         RowCol(0, paw_swing * std::sin(kTwoPi * 0.45 * seconds(t) + phase[0] + phase[5]));
}

RowCol SyntheticFace::Model::whisker_tip(int w, int t) const {
  const double angle = whisker_rest[w] + whisker_angle(t);
  return whisker_roots[w] +
         whisker_length[w] * RowCol(std::sin(angle), std::cos(angle)).cwiseProduct(scale);
}

FaceTruth SyntheticFace::Model::truth(int t) const {
  FaceTruth truth;
  truth.pupil_centre = pupil_centre(t);
  truth.pupil_radii = pupil_radii_at(t);
  truth.pupil_area = M_PI * truth.pupil_radii(0) * truth.pupil_radii(1);
  truth.lid_closure = lid_closure(t);
  const Eigen::Vector2i step =
      t == 0 ? Eigen::Vector2i::Zero() : Eigen::Vector2i(wheel_offset[t] - wheel_offset[t - 1]);
  truth.wheel_shift = step.cast<double>();
  truth.whisker_angle = whisker_angle(t);

  const RowCol nose = nose_centre_at(t), lip = lip_centre_at(t);
  const RowCol eye_top(eye_centre(0) - eye_radii(0) * (1 - 2 * truth.lid_closure), eye_centre(1));
  const std::array<RowCol, 15> points = {eye_centre - RowCol(0, eye_radii(1)),  // eye(back)
                                         eye_centre + RowCol(eye_radii(0), 0),  // eye(bottom)
                                         eye_centre + RowCol(0, eye_radii(1)),  // eye(front)
                                         eye_top,                        // eye(top): the lid's edge
                                         lip + RowCol(lip_radii(0), 0),  // lowerlip
                                         mouth_corner,                   // mouth
                                         nose + RowCol(nose_radii(0), 0),  // nose(bottom)
                                         nose + nostril_offset,            // nose(r): the nostril
                                         nose + RowCol(0, nose_radii(1)),  // nose(tip)
                                         nose - RowCol(nose_radii(0), 0),  // nose(top)
                                         nosebridge,                       // nosebridge
                                         paw_centre_at(t),                 // paw
                                         whisker_tip(0, t),                // whisker(I)
                                         whisker_tip(2, t),                // whisker(III)
                                         whisker_tip(1, t)};               // whisker(II)
  for (int k = 0; k < 15; ++k) truth.keypoints.row(k) << points[k](1), points[k](0);
  return truth;
}

}  // namespace facemap
