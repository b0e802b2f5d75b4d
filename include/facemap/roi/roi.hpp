#pragma once
// The region analyses besides motion SVD: pupil (facemap/roi/pupil.hpp), blink, and running
// (facemap/roi/running.hpp), run frame by frame on unmodified 8-bit grayscale frames (GrayFrame,
// the video layer's type), so that the SVD's streaming pass can feed them the frames it decodes.
// They never alter the pixels (Facemap writes 255 outside pupil and blink ellipses into the
// frames that its SVD projections then see; facemap-algorithms.md).

#include <functional>
#include <memory>
#include <vector>

#include "facemap/roi/pupil.hpp"
#include "facemap/roi/region_crop.hpp"
#include "facemap/results.hpp"
#include "facemap/roi/running.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// The blink analysis of one region, prepared once for a stream of frames.
class BlinkMeter {
 public:
  /// Throws std::invalid_argument naming the region when it lies outside `view` or its ellipse
  /// differs in size from its rectangle.
  BlinkMeter(const Roi& roi, FrameSize view);
  /// Facemap's blink value: the sum over the region's ellipse of max(0, saturation - intensity).
  /// It falls when the lid (brighter than the saturation) covers the dark eye. `frame` is a
  /// frame of the region's view (std::invalid_argument otherwise).
  double measure(const GrayFrame& frame) const;

 private:
  RegionCrop crop_;
  double saturation_ = 0;
  RoiMask ellipse_;
};

/// The pupil, blink and running traces of a recording's regions.
struct RoiTraces {
  std::vector<PupilTrace> pupils;
  std::vector<BlinkTrace> blinks;
  std::vector<RunningTrace> running;
};

/// Runs the pupil, blink and running analyses of a list of regions over a stream of frames.
/// Feed it every frame in order with add(), then call finish() once.
class RoiAnalyzer {
 public:
  /// `rois` are all of a recording's regions (FacemapResult::rois); motion and keypoint-box
  /// regions are skipped, and each trace's roi_index is its region's position in `rois`.
  /// `views` are the recording's view sizes. Throws std::invalid_argument naming the region for
  /// a region outside its view, an unknown view, or masks of the wrong size.
  RoiAnalyzer(const std::vector<Roi>& rois, const std::vector<FrameSize>& views);
  ~RoiAnalyzer();
  RoiAnalyzer(RoiAnalyzer&&) noexcept;
  RoiAnalyzer& operator=(RoiAnalyzer&&) noexcept;

  /// Whether any region is analysed here (false: add() does nothing useful).
  bool has_regions() const;
  /// Analyses every frame of `batch`. Batches must follow each other without gap or overlap,
  /// starting at frame 0 (std::invalid_argument naming the frames otherwise).
  void add(const FrameBatch& batch);
  /// Frames analysed so far.
  int frames() const;
  /// The traces of the frames added, pupil traces smoothed (smooth_pupil_trace). Throws
  /// std::logic_error when called twice.
  RoiTraces finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Receives how many of a source's frames have been analysed.
using RoiProgress = std::function<void(int frames_done, int frames_total)>;

/// Streams every frame of `source` through a RoiAnalyzer and returns the traces.
RoiTraces analyze_rois(const FrameSource& source, const std::vector<Roi>& rois,
                       const RoiProgress& progress = {});

}  // namespace facemap
