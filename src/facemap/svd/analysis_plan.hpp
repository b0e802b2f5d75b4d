#pragma once
// What one SVD analysis computes: its regions (the full frame and the motion rectangles, as
// canvas pixels) and, per region, the motion and movie decompositions with one accumulator per
// chunk. process.cpp runs the plan.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "facemap/svd/svd.hpp"

namespace facemap::detail {

/// One region of the SVD: the full frame or a motion rectangle.
struct RegionPlan {
  int roi_no = 0;                   ///< 0 for the full frame, then 1, 2, ... (Facemap's index)
  std::optional<Roi> roi;           ///< absent for the full frame
  FrameSize grid;                   ///< binned size of the region's image
  std::vector<int> pixels;          ///< the canvas pixels analysed
  std::vector<int> grid_positions;  ///< where each of `pixels` lies in the region's image
};

/// The full frame (when `full_frame`) and every motion rectangle of `rois`, whose empty binned
/// ranges are filled in by Facemap's rules. Where Facemap's column rule reaches past the binned
/// view (its last block is partial), the columns are cut to the view and a warning says so
/// (Facemap itself fails there). A region with no whole binned row or column throws
/// std::invalid_argument naming it.
std::vector<RegionPlan> plan_regions(const BinnedCanvas& canvas, bool full_frame,
                                     std::vector<Roi>& rois, std::vector<std::string>& warnings);

/// The chunked decomposition of one region and kind, with its chunks' accumulators.
struct Decomposition {
  std::size_t region;  ///< index into the plan's regions
  SvdKind kind;
  ChunkedSvd svd;
  std::vector<ChunkAccumulator> chunks;
};

/// The decompositions that `params` asks for, for every region and chunk.
std::vector<Decomposition> plan_decompositions(const std::vector<RegionPlan>& regions,
                                               const std::vector<FrameRange>& chunks,
                                               const SvdParams& params);

/// Bytes that decoding the recording once needs: its binned frames, and every chunk's columns
/// and Gram matrix, all held until the mean images are known.
std::size_t single_pass_bytes(const BinnedCanvas& canvas, int nframes,
                              const std::vector<RegionPlan>& regions,
                              const std::vector<Decomposition>& decompositions);

/// A region's decomposition and projections as a result, the masks on the region's own image
/// (zero where the canvas has padding). The masks are moved, not copied, when the region fills
/// its image.
SvdComponents components_on_grid(const RegionPlan& region, CentredSvd svd,
                                 Eigen::MatrixXf projections);

}  // namespace facemap::detail
