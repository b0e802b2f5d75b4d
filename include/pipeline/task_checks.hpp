#pragma once
// The checks a processing task's analysis parameters must pass before anything runs: when the
// task is created (against the recording's frame size once RecordingInfo knows it) and again by
// FacemapProcessing before it makes its output folder, so that a task that cannot be computed
// is refused at the door and leaves nothing behind.

#include <optional>

#include "facemap/svd/svd.hpp"

namespace pipeline {

/// Throws std::invalid_argument naming the parameter or region, its value and the allowed range
/// unless: sbin is at least 1, components at least 1, and every region is in view 0 (a recording
/// of the pipeline is one view) with consecutive, non-empty rows and columns. With `frame`, the
/// recording's frame size, also: sbin at most the frame's smaller side, every region inside the
/// frame, and every motion region at least one pixel after binning (given binned ranges inside
/// the binned frame).
void check_processing_params(const facemap::SvdParams& params,
                             std::optional<facemap::FrameSize> frame);

}  // namespace pipeline
