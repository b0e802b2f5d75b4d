#pragma once
// The computations of schema facial_behavior_estimation (see computations.hpp).

#include "pipeline/computations.hpp"
#include "pipeline/maker.hpp"

namespace pipeline {

/// RecordingInfo: size, exact frame count, fps, duration and creation time of a recording.
FMPIPE_DECLARE_MAKER(RecordingInfoMaker);

/// FacemapProcessing: trigger mode runs the SVD engine and writes <stem>_proc.npy; load mode
/// checks that Facemap wrote one.
FMPIPE_DECLARE_MAKER(FacemapProcessingMaker);

/// FacialSignal and its parts, from the task's <stem>_proc.npy.
FMPIPE_DECLARE_MAKER(FacialSignalMaker);

}  // namespace pipeline
