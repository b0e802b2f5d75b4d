// Where a task's inputs are and where its results go (task_paths.hpp).

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "facemap/io/partial_file.hpp"
#include "pipeline/task_paths.hpp"

namespace fs = std::filesystem;

namespace pipeline {
namespace {

dj::Row recording_only(const Pipeline& pipe, const dj::Row& key) {
  return key.project(pipe.recording_key());
}

/// The first file of a recording, relative to its data root.
fs::path first_file(const Pipeline& pipe, const dj::Row& recording_key) {
  return stored_recording_files(pipe, recording_key).front();
}

/// `text` with every byte outside [A-Za-z0-9.-] written as %XX: distinct texts give distinct
/// names, and none holds a folder separator or a character a file system refuses.
std::string file_name_part(const std::string& text) {
  static const char* const hex = "0123456789ABCDEF";
  std::string part;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '.' || c == '-') {
      part += c;
    } else {
      part += {'%', hex[byte >> 4], hex[byte & 15]};
    }
  }
  return part;
}

/// Where a task's results are written or read, and what names its folder.
struct TaskOutput {
  const char* table;          ///< the task table
  const char* dir_attribute;  ///< its stored output folder
  std::string name;           ///< trigger mode's default folder is "facemap_<name>"
};

/// Trigger mode writes `<folder>/<first video stem>_...`: a task whose stored folder is also
/// another trigger task's, for a recording whose first video has the same name, would overwrite
/// that task's results and have its own overwritten. Refused, naming both tasks.
void refuse_shared_folder(const Pipeline& pipe, const TaskOutput& output, const dj::Row& task,
                          const fs::path& video) {
  const dj::Table tasks = pipe.table(output.table);
  const auto key_names = tasks.heading().primary_key();
  // "a/b", "a/b/" and "a/./b" are one folder.
  const auto normal = [](const std::string& stored) {
    return (fs::path(stored) / "").lexically_normal();
  };
  const std::string stored = task.get<std::string>(output.dir_attribute);
  dj::FetchOptions options;
  options.attributes = key_names;
  options.attributes.push_back(output.dir_attribute);
  for (const auto& other : (tasks & dj::Row{{"task_mode", "trigger"}}).fetch(options)) {
    const dj::Row other_key = other.project(key_names);
    if (other_key == task.project(key_names) ||
        normal(other.get<std::string>(output.dir_attribute)) != normal(stored) ||
        first_file(pipe, other_key).stem() != video.stem()) {
      continue;
    }
    throw std::runtime_error(
        "trigger mode: the output folder '" + stored + "' is also that of task " +
        other_key.to_display() + ", whose results for a video named " + video.stem().string() +
        " would overwrite these; give each task its own " + output.dir_attribute);
  }
}

/// The folder of a task's results (see computations.hpp).
fs::path output_dir(const Pipeline& pipe, const DataRoots& roots, const TaskOutput& output,
                    const dj::Row& task_key) {
  const auto task = (pipe.table(output.table) & task_key).fetch1();
  const std::string stored = task.get<std::string>(output.dir_attribute);
  const fs::path video = first_file(pipe, task_key);
  if (task.get<std::string>("task_mode") == "trigger") {
    if (roots.processed_root().empty()) {
      throw std::runtime_error(
          "no processed-data root is set (FACEMAP_PROCESSED_DATA_DIR or FACEMAP_ROOT_DATA_DIR)");
    }
    if (!stored.empty()) refuse_shared_folder(pipe, output, task, video);
    return roots.processed_root() /
           (stored.empty() ? video.parent_path() / ("facemap_" + output.name) : fs::path(stored));
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

// Datetimes come in PostgreSQL's canonical text, so mapping their ' ' and ':' keeps them
// distinct; any other value is written with file_name_part.
std::string recording_name(const Pipeline& pipe, const dj::Row& recording) {
  const dj::Heading& session = pipe.session_table().heading();
  std::string name;
  for (const auto& attribute : pipe.session_key()) {
    const dj::Value& value = recording[attribute];
    std::string text = value.holds<std::string>() ? value.as<std::string>() : value.to_display();
    if (session.at(attribute).category == dj::TypeCategory::datetime) {
      std::replace(text.begin(), text.end(), ' ', '_');
      std::replace(text.begin(), text.end(), ':', '-');
    } else {
      text = file_name_part(text);
    }
    name += text + "_";
  }
  return name + "recording" + std::to_string(recording.get<int>("recording_id"));
}

std::vector<fs::path> stored_recording_files(const Pipeline& pipe, const dj::Row& recording_key) {
  dj::FetchOptions options;
  options.order_by = {"file_id"};
  std::vector<fs::path> files;
  for (const auto& row : (pipe.table("facial_behavior_estimation.VideoRecording.File") &
                          recording_only(pipe, recording_key))
                             .fetch(options)) {
    files.push_back(row.get<std::string>("file_path"));
  }
  if (files.empty()) {
    throw std::runtime_error("recording " + recording_only(pipe, recording_key).to_display() +
                             " has no files");
  }
  return files;
}

std::vector<fs::path> recording_files(const Pipeline& pipe, const DataRoots& roots,
                                      const dj::Row& recording_key) {
  std::vector<fs::path> files = stored_recording_files(pipe, recording_key);
  for (fs::path& file : files) file = roots.find(file);
  return files;
}

fs::path processing_output_dir(const Pipeline& pipe, const DataRoots& roots,
                               const dj::Row& task_key) {
  return output_dir(pipe, roots,
                    {"facial_behavior_estimation.FacemapTask", "facemap_output_dir",
                     processing_task_name(pipe, task_key)},
                    task_key);
}

std::string processing_task_name(const Pipeline& pipe, const dj::Row& task_key) {
  return recording_name(pipe, task_key) + "_task" +
         std::to_string(task_key.get<int>("facemap_task_id"));
}

// Making something in the folder is the test that also holds for root, whom permission bits do
// not stop but a read-only file system or a path through a regular file does. The probe is a
// PartialFile's private folder, so it also removes what a writer killed in this folder left.
void prepare_output_folder(const fs::path& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) {
    throw std::runtime_error("trigger mode: cannot create the output folder " + folder.string() +
                             ": " + error.message());
  }
  try {
    const facemap::PartialFile probe(folder / ".fmpipe_write_test");
  } catch (const facemap::FileWriteError& failed) {
    throw std::runtime_error("trigger mode: cannot write into the output folder " +
                             folder.string() + " (" + failed.what() + ")");
  }
}

fs::path inference_output_dir(const Pipeline& pipe, const DataRoots& roots,
                              const dj::Row& task_key) {
  return output_dir(pipe, roots,
                    {"facemap_inference.FacemapInferenceTask", "facemap_inference_output_dir",
                     inference_task_name(pipe, task_key)},
                    task_key);
}

// Task 0 keeps the name of the folders written before inference tasks had ids, so that the
// results of migrated tasks are where their folder says.
std::string inference_task_name(const Pipeline& pipe, const dj::Row& task_key) {
  const int task_id = task_key.get<int>("inference_task_id");
  return recording_name(pipe, task_key) + "_model" + std::to_string(task_key.get<int>("model_id")) +
         (task_id == 0 ? "" : "_task" + std::to_string(task_id));
}

}  // namespace pipeline
