#pragma once
// Whether a _proc.npy that FacialSignal is about to import is the result of the recording of its
// key. A file can stand in the task's folder for another recording: Facemap's output copied
// beside the wrong video, a stored folder shared with another task, a recording re-ingested
// under another key. Imported unchecked, its regions and traces would be stored as this key's.

#include <filesystem>
#include <optional>
#include <vector>

#include "dj/value.hpp"
#include "facemap/results.hpp"

namespace pipeline::detail {

/// Throws unless `result`, read from `file`, has the frame count of the recording's RecordingInfo
/// (`nframes`, absent when RecordingInfo has not read the recording: refused too) and was made
/// from files with the names of `files` (the recording's, in time order), in that order. Names are
/// compared without their folders: Facemap records full paths as they were on the machine it ran
/// on. The message names the file, the recording's key and both sides of each difference.
void check_proc_file_owner(const dj::Row& recording, std::optional<int> nframes,
                           const std::vector<std::filesystem::path>& files,
                           const std::filesystem::path& file, const facemap::FacemapResult& result);

}  // namespace pipeline::detail
