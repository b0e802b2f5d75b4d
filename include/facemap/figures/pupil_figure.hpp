#pragma once
// A quality-control figure of a pupil analysis, drawn with OpenCV: the area trace over the
// recording above a row of frames cut around the pupil region, each with its fitted ellipse, so
// that one look shows whether the fit follows the pupil. Used for the project's docs/figures and
// for checking a lab's own regions.

#include <filesystem>
#include <string>
#include <vector>

#include "facemap/roi/pupil.hpp"
#include "facemap/results.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// One frame shown under the trace, with its fit.
struct PupilFigurePanel {
  int frame_index = 0;
  GrayFrame frame;  ///< the whole frame of the region's view
  PupilFit fit;
};

/// Writes the figure as a PNG: `title` on top, `trace.area` (gray) and `trace.area_smooth`
/// (blue) against frame number with the panels' frames marked, then each panel: the region
/// (plus a margin) enlarged, the fitted ellipse in red (semi-axes sqrt(axlen), the ellipse of a
/// uniformly dark pupil) with its centre, the region's ellipse in green and its reflectors in
/// yellow. Throws std::invalid_argument for an empty trace and std::runtime_error naming the file
/// when it cannot be written.
void write_pupil_figure(const std::filesystem::path& png, const std::string& title,
                        const PupilTrace& trace, const Roi& roi,
                        const std::vector<PupilFigurePanel>& panels);

}  // namespace facemap
