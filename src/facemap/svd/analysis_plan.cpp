#include "analysis_plan.hpp"

#include <algorithm>
#include <numeric>

namespace facemap::detail {

namespace {

void fill_binned_ranges(const BinnedCanvas& canvas, Roi& roi, std::size_t index,
                        std::vector<std::string>& warnings) {
  const std::string name = "motion region " + std::to_string(index) + " ('" + roi.name + "')";
  if (roi.yrange_bin.empty()) roi.yrange_bin = binned_rows(roi.yrange, canvas.sbin());
  if (roi.xrange_bin.empty()) {
    roi.xrange_bin = binned_columns(roi.xrange, canvas.sbin());
    if (roi.view >= 0 && roi.view < canvas.views()) {
      const int width = canvas.view_size(roi.view).width;
      // Facemap's rule reaches at most one column past the view when the region lies in it.
      if (!roi.xrange_bin.empty() && roi.xrange_bin.back() == width &&
          roi.xrange_bin.front() < width) {
        warnings.push_back(
            name + ": its binned columns " + std::to_string(roi.xrange_bin.front()) + ".." +
            std::to_string(roi.xrange_bin.back()) + " reach past the binned view's " +
            std::to_string(width) + " columns (the view's last block is partial); cut to " +
            std::to_string(roi.xrange_bin.front()) + ".." + std::to_string(width - 1));
        roi.xrange_bin.resize(static_cast<std::size_t>(width - roi.xrange_bin.front()));
      }
    }
  }
  if (roi.yrange_bin.empty() || roi.xrange_bin.empty())
    throw std::invalid_argument(name + " (rows " + std::to_string(roi.yrange.front()) + ".." +
                                std::to_string(roi.yrange.back()) + ", columns " +
                                std::to_string(roi.xrange.front()) + ".." +
                                std::to_string(roi.xrange.back()) + ") covers no whole " +
                                (roi.yrange_bin.empty() ? "row" : "column") + " of " +
                                std::to_string(canvas.sbin()) + "-pixel bins");
}

}  // namespace

std::vector<RegionPlan> plan_regions(const BinnedCanvas& canvas, bool full_frame,
                                     std::vector<Roi>& rois, std::vector<std::string>& warnings) {
  std::vector<RegionPlan> regions;
  if (full_frame) {
    const std::vector<int> pixels = canvas.view_pixels();
    regions.push_back({0, std::nullopt, canvas.size(), pixels, pixels});
  }
  int roi_no = 1;
  for (std::size_t i = 0; i < rois.size(); ++i) {
    Roi& roi = rois[i];
    if (roi.type != RoiType::motion) continue;
    fill_binned_ranges(canvas, roi, i, warnings);
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
