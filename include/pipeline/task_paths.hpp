#pragma once
// Where a task's inputs are and where its results go. These read the task and file rows: the
// fetch phase of a table's make() calls them, and its compute phase gets the paths.

#include <filesystem>
#include <vector>

#include "pipeline/paths.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

/// The folder where a processing task's results are (load) or go (trigger): the task's
/// facemap_output_dir when set (under the processed-data root for trigger, searched in the data
/// roots for load), else, for trigger, "<folder of the first video, relative to its
/// root>/facemap_<session key values, '_' between>_recording<id>_task<id>" under the processed-data
/// root, a name of the task's own key (characters a file name cannot hold written as %XX), and
/// for load the video's own folder. A stored folder that another trigger-mode task also stores,
/// for a recording whose first video has the same name, would have one task's results overwrite
/// the other's: that throws, naming the other task. Nothing is created: trigger mode's compute
/// phase calls prepare_output_folder() once its inputs are checked.
std::filesystem::path processing_output_dir(const Pipeline& pipe, const DataRoots& roots,
                                            const dj::Row& task_key);

/// The folder of an inference task's results, likewise: trigger mode's default folder ends in
/// "_model<model id>_task<inference task id>" instead of "_task<id>", and in "_model<model id>"
/// for inference task 0, the name it had before inference tasks had ids (distinct keys still
/// give distinct names).
std::filesystem::path inference_output_dir(const Pipeline& pipe, const DataRoots& roots,
                                           const dj::Row& task_key);

/// A processing task's key as a name: recording_name() and "_task<id>". Trigger mode's default
/// folder is "facemap_" and this name; fmpipe export begins its files' names with it.
std::string processing_task_name(const Pipeline& pipe, const dj::Row& task_key);

/// An inference task's key as a name: recording_name() and "_model<model id>_task<id>", or
/// "_model<model id>" for inference task 0 (see inference_output_dir); used as
/// processing_task_name() is.
std::string inference_task_name(const Pipeline& pipe, const dj::Row& task_key);

/// Creates trigger mode's output folder and checks that it can be written: when it cannot take
/// the results, this throws naming the folder and the system's reason, before any computation.
/// It also removes what a writer killed in this folder left (facemap/io/partial_file.hpp).
void prepare_output_folder(const std::filesystem::path& folder);

/// The session key's values joined by '_' and "recording<id>": a recording's key as a file name,
/// distinct for distinct keys ("m1_2024-05-06_07-08-09_recording0" for the pipeline's own
/// Session), with characters a file name cannot hold written as %XX. `recording` holds at least
/// the VideoRecording key.
std::string recording_name(const Pipeline& pipe, const dj::Row& recording);

/// A recording's files as stored (relative to a data root), in time order. Throws naming the
/// recording when it has none.
std::vector<std::filesystem::path> stored_recording_files(const Pipeline& pipe,
                                                          const dj::Row& recording_key);

/// The full paths of a recording's files, in time order.
std::vector<std::filesystem::path> recording_files(const Pipeline& pipe, const DataRoots& roots,
                                                   const dj::Row& recording_key);

}  // namespace pipeline
