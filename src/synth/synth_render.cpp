#include <cmath>

#include <opencv2/imgproc.hpp>

#include "synth_model.hpp"

namespace facemap {
namespace {

// Gray levels of the face's parts.
constexpr double kIris = 120, kPupil = 30, kReflection = 240, kLid = 170;
constexpr double kNose = 205, kNostril = 70, kMouth = 60, kLip = 115, kWhisker = 230;
constexpr double kPaw = 235, kPawOutline = 80;
// The eye is drawn at this many times the resolution and averaged back down, so that the pupil's
// edge pixels are covered in proportion (OpenCV's anti-aliasing only blends line edges roughly).
constexpr int kEyeSupersampling = 4;
// OpenCV's fixed-point drawing: coordinates carry this many fractional bits.
constexpr int kShift = 4;

cv::Point fixed(const RowCol& p) {
  return {int(std::lround(p(1) * (1 << kShift))), int(std::lround(p(0) * (1 << kShift)))};
}

cv::Size fixed_axes(const RowCol& radii) {
  return {int(std::lround(radii(1) * (1 << kShift))), int(std::lround(radii(0) * (1 << kShift)))};
}

void fill_ellipse(cv::Mat& image, const RowCol& centre, const RowCol& radii, double gray) {
  cv::ellipse(image, fixed(centre), fixed_axes(radii), 0, 0, 360, cv::Scalar(gray), cv::FILLED,
              cv::LINE_AA, kShift);
}

// An ellipse, given in frame pixels, on an image of `box` drawn kEyeSupersampling times larger.
void fill_fine_ellipse(cv::Mat& fine, const cv::Rect& box, const RowCol& centre,
                       const RowCol& radii, double gray) {
  const double k = kEyeSupersampling;
  // Frame pixel i covers fine pixels k*i .. k*i + k-1, whose middle is k*i + (k-1)/2.
  const cv::Point2f middle(float((centre(1) - box.x) * k + (k - 1) / 2),
                           float((centre(0) - box.y) * k + (k - 1) / 2));
  // OpenCV's filled polygons include the pixels their outline passes through, half a pixel
  // beyond the true edge on average: drawing half a fine pixel smaller keeps the area true.
  const cv::Size2f size(float(2 * radii(1) * k - 1), float(2 * radii(0) * k - 1));
  cv::ellipse(fine, cv::RotatedRect(middle, size, 0), cv::Scalar(gray), cv::FILLED, cv::LINE_8);
}

}  // namespace

void SyntheticFace::Model::draw_eye(int t, cv::Mat& image) const {
  const RowCol& centre = eye_centre;
  const RowCol& radii = eye_radii;
  const cv::Rect box =
      cv::Rect(int(std::floor(centre(1) - radii(1))) - 2, int(std::floor(centre(0) - radii(0))) - 2,
               int(std::ceil(2 * radii(1))) + 5, int(std::ceil(2 * radii(0))) + 5) &
      cv::Rect(0, 0, image.cols, image.rows);
  cv::Mat fine;
  cv::resize(image(box), fine, cv::Size(), kEyeSupersampling, kEyeSupersampling, cv::INTER_NEAREST);
  cv::Mat eye_mask(fine.size(), CV_8U, cv::Scalar(0));
  fill_fine_ellipse(eye_mask, box, centre, radii, 255);
  fine.setTo(cv::Scalar(kIris), eye_mask);
  fill_fine_ellipse(fine, box, pupil_centre(t), pupil_radii_at(t), kPupil);
  if (params.corneal_reflection) {
    const RowCol round(reflection_radius, reflection_radius);
    fill_fine_ellipse(fine, box, reflection_centre, round, kReflection);
  }
  // The lid covers the eye from its top down to the lid's edge; frame row i spans i - 0.5 ..
  // i + 0.5, so the fine rows above the edge number (edge - box.y + 0.5) * kEyeSupersampling.
  const double lid_edge = centre(0) - radii(0) + 2 * radii(0) * lid_closure(t);
  const int fine_rows =
      std::clamp(int(std::lround((lid_edge - box.y + 0.5) * kEyeSupersampling)), 0, fine.rows);
  if (fine_rows > 0)
    fine.rowRange(0, fine_rows).setTo(cv::Scalar(kLid), eye_mask.rowRange(0, fine_rows));
  cv::Mat eye_pixels = image(box);  // resize writes into the frame through this view
  cv::resize(fine, eye_pixels, box.size(), 0, 0, cv::INTER_AREA);
}

void SyntheticFace::Model::draw_wheel(int t, cv::Mat& image) const {
  const cv::Mat& texture = wheel_texture;
  const Eigen::Vector2i offset = wheel_offset[t];
  for (int y = 0; y < wheel.height; ++y) {
    const int source_row = ((y - offset(0)) % texture.rows + texture.rows) % texture.rows;
    const std::uint8_t* source = texture.ptr<std::uint8_t>(source_row);
    std::uint8_t* target = image.ptr<std::uint8_t>(wheel.y + y) + wheel.x;
    for (int x = 0; x < wheel.width; ++x) {
      target[x] = source[((x - offset(1)) % texture.cols + texture.cols) % texture.cols];
    }
  }
}

namespace {

void add_noise(const SynthParams& params, int t, cv::Mat& image) {
  if (params.noise_sigma <= 0) return;
  // One generator per frame, seeded from (seed, frame), so that any frame can be made alone.
  cv::RNG random((params.seed + 1) * 0xD1B54A32D192ED03ULL +
                 std::uint64_t(t) * 0x9E3779B97F4A7C15ULL);
  cv::Mat noisy;
  image.convertTo(noisy, CV_32F);
  cv::Mat noise(image.size(), CV_32F);
  random.fill(noise, cv::RNG::NORMAL, 0.0, params.noise_sigma);
  noisy += noise;
  noisy.convertTo(image, CV_8U);
}

}  // namespace

cv::Mat SyntheticFace::Model::render(int t) const {
  cv::Mat image = base.clone();
  draw_wheel(t, image);

  const RowCol paw = paw_centre_at(t);
  cv::ellipse(image, fixed(paw), fixed_axes(paw_radii), 0, 0, 360, cv::Scalar(kPawOutline), 2,
              cv::LINE_AA, kShift);
  fill_ellipse(image, paw, paw_radii, kPaw);

  const RowCol nose = nose_centre_at(t);
  fill_ellipse(image, nose, nose_radii, kNose);
  fill_ellipse(image, nose + nostril_offset, RowCol(nostril_radius, nostril_radius), kNostril);

  fill_ellipse(image, lip_centre_at(t), lip_radii, kLip);
  const int mouth_width = std::max(1, int(std::lround(2 * scale.minCoeff())));
  cv::line(image, fixed(mouth_corner), fixed(mouth_end), cv::Scalar(kMouth), mouth_width,
           cv::LINE_AA, kShift);

  for (int w = 0; w < 3; ++w) {
    cv::line(image, fixed(whisker_roots[w]), fixed(whisker_tip(w, t)), cv::Scalar(kWhisker), 1,
             cv::LINE_AA, kShift);
  }
  draw_eye(t, image);
  add_noise(params, t, image);
  return image;
}

}  // namespace facemap
