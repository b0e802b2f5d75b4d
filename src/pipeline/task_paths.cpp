// Where a task's inputs are and where its results go (see computations.hpp).

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "pipeline/computations.hpp"

namespace fs = std::filesystem;

namespace pipeline {
namespace {

dj::Row recording_only(const dj::Row& key) {
  return key.project({"subject", "session_datetime", "recording_id"});
}

/// The first file of a recording, relative to its data root.
fs::path first_file(const Pipeline& pipe, const dj::Row& recording_key) {
  dj::FetchOptions options;
  options.order_by = {"file_id"};
  options.limit = 1;
  const auto files =
      (pipe.table("facial_behavior_estimation.VideoRecording.File") & recording_only(recording_key))
          .fetch(options);
  if (files.empty()) {
    throw std::runtime_error("recording " + recording_only(recording_key).to_display() +
                             " has no files");
  }
  return files.front().get<std::string>("file_path");
}

/// Creates trigger mode's output folder and checks that a file can be made in it, so that a
/// folder that cannot take the results fails the make before its computation, not after it.
/// Writing a probe file is the test that also holds for root, whom permission bits do not stop
/// but a read-only file system or a path through a regular file does.
void prepare_output_folder(const fs::path& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) {
    throw std::runtime_error("trigger mode: cannot create the output folder " + folder.string() +
                             ": " + error.message());
  }
  std::string probe = (folder / ".fmpipe_write_test_XXXXXX").string();
  const int fd = mkstemp(probe.data());
  if (fd < 0) {
    throw std::runtime_error("trigger mode: cannot write into the output folder " +
                             folder.string() + ": " + std::strerror(errno));
  }
  close(fd);
  unlink(probe.c_str());
}

/// The folder of a task's results: `stored` when set, else `fallback_name` beside the video.
fs::path output_dir(const DataRoots& roots, const std::string& stored, const std::string& mode,
                    const fs::path& video, const std::string& fallback_name) {
  if (mode == "trigger") {
    if (roots.processed_root().empty()) {
      throw std::runtime_error(
          "no processed-data root is set (FACEMAP_PROCESSED_DATA_DIR or FACEMAP_ROOT_DATA_DIR)");
    }
    const fs::path folder =
        roots.processed_root() /
        (stored.empty() ? video.parent_path() / fallback_name : fs::path(stored));
    prepare_output_folder(folder);
    return folder;
  }
  if (!stored.empty()) {
    if (fs::path(stored).is_absolute()) return stored;
    try {
      return roots.find(stored);
    } catch (const std::runtime_error&) {
      if (!roots.processed_root().empty() && fs::exists(roots.processed_root() / stored)) {
        return roots.processed_root() / stored;
      }
      throw;
    }
  }
  return roots.find(video).parent_path();
}

}  // namespace

std::vector<fs::path> recording_files(const Pipeline& pipe, const DataRoots& roots,
                                      const dj::Row& recording_key) {
  dj::FetchOptions options;
  options.order_by = {"file_id"};
  std::vector<fs::path> files;
  for (const auto& row : (pipe.table("facial_behavior_estimation.VideoRecording.File") &
                          recording_only(recording_key))
                             .fetch(options)) {
    files.push_back(roots.find(row.get<std::string>("file_path")));
  }
  if (files.empty()) {
    throw std::runtime_error("recording " + recording_only(recording_key).to_display() +
                             " has no files");
  }
  return files;
}

fs::path processing_output_dir(const Pipeline& pipe, const DataRoots& roots,
                               const dj::Row& task_key) {
  const auto task = (pipe.table("facial_behavior_estimation.FacemapTask") & task_key).fetch1();
  return output_dir(roots, task.get<std::string>("facemap_output_dir"),
                    task.get<std::string>("task_mode"), first_file(pipe, task_key),
                    "facemap_" + std::to_string(task.get<int>("facemap_task_id")));
}

fs::path inference_output_dir(const Pipeline& pipe, const DataRoots& roots,
                              const dj::Row& task_key) {
  const auto task = (pipe.table("facemap_inference.FacemapInferenceTask") & task_key).fetch1();
  return output_dir(roots, task.get<std::string>("facemap_inference_output_dir"),
                    task.get<std::string>("task_mode"), first_file(pipe, task_key),
                    "facemap_recordingid" + std::to_string(task.get<int>("recording_id")) +
                        "_model" + std::to_string(task.get<int>("model_id")));
}

}  // namespace pipeline
