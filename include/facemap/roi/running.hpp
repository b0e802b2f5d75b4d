#pragma once
// Running (the shift of a textured surface such as a wheel) by phase correlation between
// consecutive frames of a rectangle region, Facemap's intended algorithm (Facemap 1.0.8 discards
// its FFT results, so its own running traces are not valid; facemap-algorithms.md):
//  1. the crop, minus its mean, times a sigmoid taper of width 0.01 * sqrt(rows * cols) at the
//     edges;
//  2. its 2-D FFT, whitened (X / |X|) and smoothed by a Gaussian of sigma 2 pixels (multiplied by
//     that Gaussian's spectrum);
//  3. the inverse FFT of F_t * conj(F_{t-1}), searched over shifts of at most
//     min(floor(0.4 rows), floor(0.4 cols)) in each direction; the argmax is the shift.
// The shift is whole pixels, like Facemap's, and positive when the content moves down (dy) or
// right (dx): frame t shows frame t-1's content moved by (dy, dx). Frame 0's shift is 0.
// Facemap's Gaussian is built half a pixel off-centre for even sizes (its spectrum then carries
// a spurious cosine); ours is centred on pixel 0, a true low-pass filter.

#include <memory>

#include "facemap/results.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// A shift between consecutive frames, in whole pixels.
struct FrameShift {
  int dy = 0;
  int dx = 0;
};

/// The running analysis of one rectangle region over a stream of frames; keeps the previous
/// frame's spectrum.
class RunningTracker {
 public:
  /// Throws std::invalid_argument naming the region when it lies outside `view` or is smaller
  /// than 3 x 3 pixels.
  RunningTracker(const Roi& roi, FrameSize view);
  ~RunningTracker();
  RunningTracker(RunningTracker&&) noexcept;
  RunningTracker& operator=(RunningTracker&&) noexcept;

  /// The shift from the previous frame given to this one; (0, 0) for the first. `frame` is a
  /// frame of the region's view (std::invalid_argument otherwise).
  FrameShift add(const GrayFrame& frame);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace facemap
