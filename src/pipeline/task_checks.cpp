#include "pipeline/task_checks.hpp"

#include <stdexcept>
#include <string>

#include <spdlog/fmt/fmt.h>

#include "facemap/svd/binning.hpp"

namespace pipeline {
namespace {

[[noreturn]] void refuse(const std::string& what, const std::string& reason) {
  throw std::invalid_argument(what + ": " + reason);
}

std::string range_text(const std::vector<int>& range) {
  return fmt::format("[{}, {})", range.front(), range.back() + 1);
}

void check_range(const std::string& region, const char* axis, const std::vector<int>& range,
                 std::optional<int> size, const std::string& frame_text) {
  if (range.empty()) refuse(region, std::string("has no ") + axis);
  for (std::size_t i = 1; i < range.size(); ++i) {
    if (range[i] != range[i - 1] + 1) {
      refuse(region, fmt::format("its {} are not consecutive ({} follows {})", axis, range[i],
                                 range[i - 1]));
    }
  }
  if (range.front() < 0 || (size && range.back() >= *size)) {
    refuse(region, fmt::format("its {} {} lie outside the {}{}", axis, range_text(range),
                               frame_text, size ? fmt::format(" ([0, {}))", *size) : ""));
  }
}

}  // namespace

void check_processing_params(const facemap::SvdParams& params,
                             std::optional<facemap::FrameSize> frame) {
  const std::string frame_text =
      frame ? fmt::format("frame of {}x{} pixels", frame->height, frame->width) : "frame";
  if (params.sbin < 1) refuse(fmt::format("sbin {}", params.sbin), "must be at least 1");
  if (frame && params.sbin > std::min(frame->height, frame->width)) {
    refuse(fmt::format("sbin {}", params.sbin),
           fmt::format("must be from 1 to {} for the recording's {}",
                       std::min(frame->height, frame->width), frame_text));
  }
  if (params.components < 1)
    refuse(fmt::format("components {}", params.components), "must be at least 1");
  for (std::size_t r = 0; r < params.rois.size(); ++r) {
    const facemap::Roi& roi = params.rois[r];
    const std::string region = fmt::format("region {} '{}'", r, roi.name);
    if (roi.view != 0) {
      refuse(region,
             fmt::format("is in view {}; a recording of the pipeline has one view (0)", roi.view));
    }
    check_range(region, "rows", roi.yrange,
                frame ? std::optional<int>(frame->height) : std::nullopt, frame_text);
    check_range(region, "columns", roi.xrange,
                frame ? std::optional<int>(frame->width) : std::nullopt, frame_text);
    if (!frame || roi.type != facemap::RoiType::motion) continue;
    // A motion region's SVD runs on binned pixels: it needs at least one whole binned pixel.
    const facemap::FrameSize binned = facemap::binned_size(*frame, params.sbin);
    const std::string binned_text = fmt::format("binned frame of {}x{} pixels at sbin {}",
                                                binned.height, binned.width, params.sbin);
    const auto rows =
        roi.yrange_bin.empty() ? facemap::binned_rows(roi.yrange, params.sbin) : roi.yrange_bin;
    auto columns =
        roi.xrange_bin.empty() ? facemap::binned_columns(roi.xrange, params.sbin) : roi.xrange_bin;
    // Facemap's column rule may reach one column into a partial last block; processing cuts
    // that column with a warning (src/facemap/svd/analysis_plan.hpp), so it is no reason to refuse.
    if (roi.xrange_bin.empty() && !columns.empty() && columns.back() == binned.width)
      columns.pop_back();
    if (rows.empty() || columns.empty()) {
      refuse(region, fmt::format("is smaller than one binned pixel at sbin {}", params.sbin));
    }
    check_range(region, "binned rows", rows, binned.height, binned_text);
    check_range(region, "binned columns", columns, binned.width, binned_text);
  }
}

}  // namespace pipeline
