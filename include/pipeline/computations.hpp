#pragma once
// The make() of every Imported and Computed table of the pipeline.
//
//   facial_behavior_estimation.RecordingInfo      reads the video files (exact frame count, fps)
//   facial_behavior_estimation.FacemapProcessing  trigger: runs the SVD engine and writes
//                                                 <first video stem>_proc.npy; load: finds it
//   facial_behavior_estimation.FacialSignal       ingests that _proc.npy (either mode)
//   facemap_inference.FacemapInference            trigger: runs the keypoint engine and writes
//                                                 <stem>_FacemapPose.h5; load: ingests it
//
// Long computations use the three-phase make: no transaction is open while they run.

#include <memory>
#include <string>
#include <vector>

#include "dj/populate.hpp"
#include "pipeline/paths.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

/// The computations of `pipe`, parents before children, keyed by "<schema>.<Class>".
std::vector<std::pair<std::string, std::unique_ptr<dj::AutoPopulate>>> computations(
    Pipeline& pipe, const DataRoots& roots);

/// The folder where a processing task's results are (load) or go (trigger): the task's
/// facemap_output_dir when set (under the processed-data root for trigger, searched in the data
/// roots for load), else "<folder of the first video, relative to its root>/facemap_<task id>"
/// under the processed-data root for trigger and the video's own folder for load. In trigger
/// mode the folder is created and checked for writing: when it cannot take the results, this
/// throws naming the folder and the system's reason, before any computation.
std::filesystem::path processing_output_dir(const Pipeline& pipe, const DataRoots& roots,
                                            const dj::Row& task_key);

/// The folder of an inference task's results, likewise ("facemap_recordingid<id>_model<id>"),
/// checked likewise in trigger mode.
std::filesystem::path inference_output_dir(const Pipeline& pipe, const DataRoots& roots,
                                           const dj::Row& task_key);

/// The full paths of a recording's files, in time order.
std::vector<std::filesystem::path> recording_files(const Pipeline& pipe, const DataRoots& roots,
                                                   const dj::Row& recording_key);

}  // namespace pipeline
