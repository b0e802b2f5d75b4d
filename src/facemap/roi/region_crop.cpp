#include "facemap/roi/region_crop.hpp"

#include <numeric>
#include <stdexcept>

namespace facemap {
namespace {

const char* type_name(RoiType type) {
  switch (type) {
    case RoiType::pupil:
      return "pupil";
    case RoiType::motion:
      return "motion";
    case RoiType::blink:
      return "blink";
    case RoiType::running:
      return "running";
    case RoiType::keypoint_box:
      return "keypoint box";
  }
  return "unknown";
}

std::string size_text(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + " x " + std::to_string(cols);
}

// The first index of a consecutive range; throws naming the region and axis otherwise.
int range_start(const std::string& label, const std::vector<int>& range, const char* axis) {
  if (range.empty()) throw std::invalid_argument(label + " has an empty " + axis);
  for (std::size_t i = 1; i < range.size(); ++i) {
    if (range[i] != range[i - 1] + 1)
      throw std::invalid_argument(label + ": " + axis + " is not consecutive at " +
                                  std::to_string(range[i - 1]) + ", " + std::to_string(range[i]));
  }
  return range.front();
}

}  // namespace

Roi rectangle_region(RoiType type, int top, int left, int rows, int cols) {
  Roi roi;
  roi.type = type;
  roi.yrange.resize(std::max(0, rows));
  std::iota(roi.yrange.begin(), roi.yrange.end(), top);
  roi.xrange.resize(std::max(0, cols));
  std::iota(roi.xrange.begin(), roi.xrange.end(), left);
  return roi;
}

std::string region_label(const Roi& roi) {
  std::string label = std::string(type_name(roi.type)) + " region";
  if (!roi.name.empty()) label += " '" + roi.name + "'";
  return label;
}

RegionCrop::RegionCrop(const Roi& roi, FrameSize view)
    : label_(region_label(roi)),
      view_(view),
      top_(range_start(label_, roi.yrange, "yrange")),
      left_(range_start(label_, roi.xrange, "xrange")),
      rows_(static_cast<int>(roi.yrange.size())),
      cols_(static_cast<int>(roi.xrange.size())) {
  if (top_ < 0 || left_ < 0 || top_ + rows_ > view.height || left_ + cols_ > view.width) {
    throw std::invalid_argument(
        label_ + " (rows " + std::to_string(top_) + ".." + std::to_string(top_ + rows_ - 1) +
        ", columns " + std::to_string(left_) + ".." + std::to_string(left_ + cols_ - 1) +
        ") lies outside its view of " + size_text(view.height, view.width) + " pixels");
  }
}

RoiMask RegionCrop::ellipse(const Roi& roi) const {
  if (roi.ellipse.size() == 0) return inscribed_ellipse(rows_, cols_);
  check_mask(roi.ellipse, "its ellipse mask");
  return roi.ellipse;
}

void RegionCrop::check_mask(const RoiMask& mask, const std::string& what) const {
  if (mask.rows() != rows_ || mask.cols() != cols_) {
    throw std::invalid_argument(label_ + ": " + what + " is " +
                                size_text(mask.rows(), mask.cols()) + ", the region " +
                                size_text(rows_, cols_));
  }
}

void RegionCrop::check_frame(const GrayFrame& frame) const {
  if (frame.rows() != view_.height || frame.cols() != view_.width) {
    throw std::invalid_argument(label_ + ": expected a frame of " +
                                size_text(view_.height, view_.width) + " pixels, got " +
                                size_text(frame.rows(), frame.cols()));
  }
}

}  // namespace facemap
