#pragma once
// The make() of every Imported and Computed table of the pipeline, each in its own file under
// pipeline/tables/:
//
//   facial_behavior_estimation.RecordingInfo      recording_info.hpp: reads the video files
//                                                 (exact frame count, fps)
//   facial_behavior_estimation.FacemapProcessing  facemap_processing.hpp: trigger runs the SVD
//                                                 engine and writes <first video stem>_proc.npy;
//                                                 load finds it
//   facial_behavior_estimation.FacialSignal       facial_signal.hpp: ingests that _proc.npy
//   facemap_inference.FacemapInference            facemap_inference.hpp: trigger runs the
//                                                 keypoint engine and writes
//                                                 <stem>_FacemapPose.h5; load ingests it
//
// Long computations use the three-phase make: no transaction is open while they run.

#include <memory>
#include <string>
#include <vector>

#include "dj/populate.hpp"
#include "pipeline/paths.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

/// The computations of `pipe`, parents before children, keyed by "<schema>.<Class>". Throws
/// naming `fmpipe init` for a database whose tables an earlier version laid out
/// (require_current_layout).
std::vector<std::pair<std::string, std::unique_ptr<dj::AutoPopulate>>> computations(
    Pipeline& pipe, const DataRoots& roots);

}  // namespace pipeline
