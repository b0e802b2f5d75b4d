#include "facemap/roi/roi.hpp"

namespace facemap {

BlinkMeter::BlinkMeter(const Roi& roi, FrameSize view)
    : crop_(roi, view), saturation_(roi.saturation), ellipse_(crop_.ellipse(roi)) {}

double BlinkMeter::measure(const GrayFrame& frame) const {
  crop_.check_frame(frame);
  double total = 0;
  for (int y = 0; y < crop_.rows(); ++y) {
    for (int x = 0; x < crop_.cols(); ++x) {
      if (ellipse_(y, x))
        total += std::max(0.0, saturation_ - frame(crop_.top() + y, crop_.left() + x));
    }
  }
  return total;
}

}  // namespace facemap
