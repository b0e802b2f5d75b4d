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
/// roots for load), else, for trigger, "<folder of the first video, relative to its
/// root>/facemap_<subject>_<session datetime>_recording<id>_task<id>" under the processed-data
/// root, a name of the task's own key (characters a file name cannot hold written as %XX), and
/// for load the video's own folder. In trigger mode the folder is created and checked for
/// writing: when it cannot take the results, this throws naming the folder and the system's
/// reason, before any computation. A stored folder that another trigger-mode task also stores,
/// for a recording whose first video has the same name, would have one task's results overwrite
/// the other's: that throws, naming the other task.
std::filesystem::path processing_output_dir(const Pipeline& pipe, const DataRoots& roots,
                                            const dj::Row& task_key);

/// The folder of an inference task's results, likewise (trigger mode's default folder ends in
/// "_model<id>" instead of "_task<id>"), checked likewise in trigger mode.
std::filesystem::path inference_output_dir(const Pipeline& pipe, const DataRoots& roots,
                                           const dj::Row& task_key);

/// The full paths of a recording's files, in time order.
std::vector<std::filesystem::path> recording_files(const Pipeline& pipe, const DataRoots& roots,
                                                   const dj::Row& recording_key);

}  // namespace pipeline
