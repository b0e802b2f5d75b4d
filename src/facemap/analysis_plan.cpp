#include "analysis_plan.hpp"

#include <algorithm>
#include <numeric>

namespace facemap::detail {

std::vector<RegionPlan> plan_regions(const BinnedCanvas& canvas, bool full_frame,
                                     std::vector<Roi>& rois) {
  std::vector<RegionPlan> regions;
  if (full_frame) {
    const std::vector<int> pixels = canvas.view_pixels();
    regions.push_back({0, std::nullopt, canvas.size(), pixels, pixels});
  }
  int roi_no = 1;
  for (Roi& roi : rois) {
    if (roi.type != RoiType::motion) continue;
    if (roi.yrange_bin.empty()) roi.yrange_bin = binned_range(roi.yrange, canvas.sbin());
    if (roi.xrange_bin.empty()) roi.xrange_bin = binned_range(roi.xrange, canvas.sbin());
    const FrameSize grid{static_cast<int>(roi.yrange_bin.size()),
                         static_cast<int>(roi.xrange_bin.size())};
    RegionPlan region{roi_no++, roi, grid, canvas.region_pixels(roi), {}};
    region.grid_positions.resize(region.pixels.size());
    std::iota(region.grid_positions.begin(), region.grid_positions.end(), 0);
    regions.push_back(std::move(region));
  }
  return regions;
}

std::vector<Decomposition> plan_decompositions(const std::vector<RegionPlan>& regions,
                                               const std::vector<FrameRange>& chunks,
                                               const SvdParams& params) {
  std::vector<Decomposition> decompositions;
  for (std::size_t r = 0; r < regions.size(); ++r) {
    for (SvdKind kind : {SvdKind::motion, SvdKind::movie}) {
      if (kind == SvdKind::motion ? !params.motion_svd : !params.movie_svd) continue;
      Decomposition decomposition{r, kind, ChunkedSvd(params.components, params.solver), {}};
      for (const FrameRange& chunk : chunks) {
        decomposition.chunks.emplace_back(chunk, regions[r].pixels, kind);
      }
      decompositions.push_back(std::move(decomposition));
    }
  }
  return decompositions;
}

std::size_t single_pass_bytes(const BinnedCanvas& canvas, int nframes,
                              const std::vector<RegionPlan>& regions,
                              const std::vector<Decomposition>& decompositions) {
  std::size_t values = std::size_t(nframes) * canvas.pixels();
  for (const Decomposition& decomposition : decompositions) {
    const std::size_t pixels = regions[decomposition.region].pixels.size();
    for (const FrameRange& chunk : svd_chunks(nframes)) {
      const std::size_t columns = chunk.count - 1;
      values += columns * (pixels + columns);
    }
  }
  return values * sizeof(float);
}

SvdComponents components_on_grid(const RegionPlan& region, CentredSvd svd,
                                 Eigen::MatrixXf projections) {
  SvdComponents components;
  components.ly = region.grid.height;
  components.lx = region.grid.width;
  const Eigen::Index grid_pixels = Eigen::Index(region.grid.height) * region.grid.width;
  if (region.grid_positions.size() == std::size_t(grid_pixels) &&
      std::is_sorted(region.grid_positions.begin(), region.grid_positions.end())) {
    components.masks = std::move(svd.vectors);  // the region fills its grid in order
  } else {
    components.masks = Eigen::MatrixXf::Zero(grid_pixels, svd.vectors.cols());
    components.masks(region.grid_positions, Eigen::all) = svd.vectors;
  }
  components.singular_values = std::move(svd.values);
  components.projections = std::move(projections);
  return components;
}

}  // namespace facemap::detail
