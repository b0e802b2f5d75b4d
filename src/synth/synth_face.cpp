#include <cmath>
#include <stdexcept>
#include <string>

#include "facemap/roi/region_crop.hpp"
#include "facemap/roi/roi_mask.hpp"
#include "synth_model.hpp"

namespace facemap {
namespace {

// Saturations between the face's gray levels: pupil 30 < 110 < iris 120 (close to the iris, so
// that partly covered edge pixels of the pupil still count), iris < 140 < lid 170 and fur.
constexpr double kPupilSaturation = 110;
constexpr double kBlinkSaturation = 140;

Roi make_roi(RoiType type, const std::string& name, const cv::Rect& box) {
  Roi roi = rectangle_region(type, box.y, box.x, box.height, box.width);
  roi.name = name;
  return roi;
}

}  // namespace

SyntheticFace::SyntheticFace(const SynthParams& params)
    : model_(std::make_unique<const Model>(params)) {}

SyntheticFace::~SyntheticFace() = default;

const SynthParams& SyntheticFace::params() const {
  return model_->params;
}

int SyntheticFace::nframes() const {
  return model_->params.nframes;
}

std::vector<FrameSize> SyntheticFace::view_sizes() const {
  return {{model_->params.height, model_->params.width}};
}

GrayFrame SyntheticFace::frame(int t) const {
  if (t < 0 || t >= nframes())
    throw std::out_of_range("synthetic face: frame " + std::to_string(t) + " is outside 0.." +
                            std::to_string(nframes() - 1));
  const cv::Mat image = model_->render(t);
  return Eigen::Map<const GrayFrame>(image.ptr<std::uint8_t>(), image.rows, image.cols);
}

FaceTruth SyntheticFace::truth(int t) const {
  if (t < 0 || t >= nframes())
    throw std::out_of_range("synthetic face: no truth for frame " + std::to_string(t) +
                            " outside 0.." + std::to_string(nframes() - 1));
  return model_->truth(t);
}

SynthTruth SyntheticFace::all_truth() const {
  const int n = nframes();
  SynthTruth all;
  all.pupil_centre.resize(n, 2);
  all.pupil_radii.resize(n, 2);
  all.pupil_area.resize(n);
  all.lid_closure.resize(n);
  all.wheel_shift.resize(n, 2);
  all.whisker_angle.resize(n);
  all.keypoint_x.resize(n, 15);
  all.keypoint_y.resize(n, 15);
  for (int t = 0; t < n; ++t) {
    const FaceTruth truth = model_->truth(t);
    all.pupil_centre.row(t) = truth.pupil_centre.transpose();
    all.pupil_radii.row(t) = truth.pupil_radii.transpose();
    all.pupil_area(t) = truth.pupil_area;
    all.lid_closure(t) = truth.lid_closure;
    all.wheel_shift.row(t) = truth.wheel_shift.transpose();
    all.whisker_angle(t) = truth.whisker_angle;
    all.keypoint_x.row(t) = truth.keypoints.col(0).transpose();
    all.keypoint_y.row(t) = truth.keypoints.col(1).transpose();
  }
  return all;
}

SynthRois SyntheticFace::rois() const {
  const Model& model = *model_;
  const cv::Rect frame(0, 0, model.params.width, model.params.height);
  const int margin = 3;
  const cv::Rect eye =
      cv::Rect(cv::Point(int(std::floor(model.eye_centre(1) - model.eye_radii(1))) - margin,
                         int(std::floor(model.eye_centre(0) - model.eye_radii(0))) - margin),
               cv::Point(int(std::ceil(model.eye_centre(1) + model.eye_radii(1))) + margin + 1,
                         int(std::ceil(model.eye_centre(0) + model.eye_radii(0))) + margin + 1)) &
      frame;
  SynthRois rois;
  rois.pupil = make_roi(RoiType::pupil, "pupil", eye);
  rois.pupil.saturation = kPupilSaturation;
  if (model.params.corneal_reflection) {
    // A disk a little larger than the reflection, so its blurred rim is covered too.
    const double radius = model.reflection_radius + 1.5;
    RoiMask reflector(eye.height, eye.width);
    for (int y = 0; y < eye.height; ++y) {
      for (int x = 0; x < eye.width; ++x) {
        reflector(y, x) = std::hypot(eye.y + y - model.reflection_centre(0),
                                     eye.x + x - model.reflection_centre(1)) <= radius;
      }
    }
    rois.pupil.reflectors.push_back(reflector);
  }
  rois.blink = make_roi(RoiType::blink, "blink", eye);
  rois.blink.saturation = kBlinkSaturation;
  const cv::Rect snout(
      cv::Point(int(std::lround(160 * model.scale(1))), int(std::lround(30 * model.scale(0)))),
      cv::Point(model.params.width, int(std::lround(130 * model.scale(0)))));
  rois.motion = make_roi(RoiType::motion, "whiskers", snout & frame);
  rois.running = make_roi(RoiType::running, "wheel", model.wheel);
  return rois;
}

void SyntheticFace::read_checked(int first, int count, const BatchConsumer& consume,
                                 int batch_size) const {
  for (int start = first; start < first + count; start += batch_size) {
    FrameBatch batch;
    batch.first_frame = start;
    batch.views.resize(1);
    for (int t = start; t < std::min(first + count, start + batch_size); ++t)
      batch.views[0].push_back(frame(t));
    consume(batch);
  }
}

std::vector<int> SynthTruth::blink_frames() const {
  std::vector<int> frames;
  for (int t = 0; t < nframes(); ++t) {
    if (lid_closure(t) >= 0.5) frames.push_back(t);
  }
  return frames;
}

}  // namespace facemap
