// Cascading delete with the files of trigger mode's results (delete.hpp).

#include "pipeline/delete.hpp"

#include <map>
#include <set>
#include <stdexcept>

#include "dj/identifiers.hpp"
#include "facemap/io/pose_metadata.hpp"
#include "pipeline/table_names.hpp"
#include "pipeline/tables/facemap_processing.hpp"
#include "pipeline/task_paths.hpp"

namespace fs = std::filesystem;

namespace pipeline {
namespace {

const std::string kProcessing = "facial_behavior_estimation.FacemapProcessing";
const std::string kInference = "facemap_inference.FacemapInference";

std::string sql_name(const Pipeline& pipe, const std::string& table) {
  const dj::Table t = pipe.table(table);
  return dj::qualified_name(t.schema_name(), t.table_name());
}

/// "<schema>.<Class>" of each of the pipeline's tables, by SQL name.
std::map<std::string, std::string> display_names(const Pipeline& pipe) {
  std::map<std::string, std::string> names;
  for (const auto& name : pipe.table_names()) names[sql_name(pipe, name)] = name;
  return names;
}

/// The files that trigger mode wrote for one deleted key of a task's computed table, found as
/// its make() found them: the task's output folder and the first video's name.
std::vector<fs::path> result_files(const Pipeline& pipe, const DataRoots& roots,
                                   const std::string& task_table, const std::string& computed,
                                   const dj::Row& key) {
  if ((pipe.table(task_table) & key).fetch1({"task_mode"}).get<std::string>("task_mode") !=
      "trigger") {
    return {};  // load mode's files are Facemap's own, which the lab keeps
  }
  try {
    const fs::path video = stored_recording_files(pipe, key).front();
    if (computed == kProcessing)
      return {proc_file_path(processing_output_dir(pipe, roots, key), video)};
    const fs::path folder = inference_output_dir(pipe, roots, key);
    return {facemap::pose_h5_path(folder, video), facemap::pose_metadata_path(folder, video)};
  } catch (const std::exception& e) {
    throw std::runtime_error("the result files of " + class_name_of(computed) + " " +
                             key.to_display() + " cannot be located: " + e.what());
  }
}

/// Removes each file, then each folder that held one and is left empty.
void remove_files(const std::vector<fs::path>& files, Deletion& deletion) {
  std::set<fs::path> folders;
  for (const fs::path& file : files) {
    std::error_code error;
    if (fs::remove(file, error)) {
      deletion.removed.push_back(file);
      folders.insert(file.parent_path());
    } else if (error) {
      deletion.failures.push_back(file.string() + ": " + error.message());
    }
  }
  for (const fs::path& folder : folders) {
    std::error_code error;
    if (fs::is_empty(folder, error) && fs::remove(folder, error))
      deletion.removed.push_back(folder);
  }
}

}  // namespace

long long DeletionPreview::total() const {
  long long sum = 0;
  for (const auto& [table, n] : counts) sum += n;
  return sum;
}

Deletion delete_cascade(const Pipeline& pipe, const DataRoots& roots, const dj::Query& rows,
                        const DeletionRequest& request) {
  const std::map<std::string, std::string> tasks = {
      {kProcessing, "facial_behavior_estimation.FacemapTask"},
      {kInference, "facemap_inference.FacemapInferenceTask"}};
  Deletion deletion;
  dj::DeleteOptions options;
  options.dry_run = request.dry_run;
  for (const auto& [computed, task] : tasks) options.keys_of.push_back(sql_name(pipe, computed));
  options.before_delete = [&](const dj::DeletedKeys& keys) {
    for (const auto& [computed, task] : tasks) {
      for (const dj::Row& key : keys.at(sql_name(pipe, computed))) {
        for (fs::path& file : result_files(pipe, roots, task, computed, key))
          if (fs::exists(file)) deletion.preview.files.push_back(std::move(file));
      }
    }
  };

  dj::Connection::Transaction transaction(rows.connection());
  const dj::DeleteResult result = rows.delete_rows(options);
  const auto names = display_names(pipe);
  for (auto it = result.counts.rbegin(); it != result.counts.rend(); ++it) {
    const auto name = names.find(it->first);
    deletion.preview.counts.emplace_back(name == names.end() ? it->first : name->second,
                                         it->second);
  }
  if (request.dry_run || result.total() == 0) return deletion;  // rolled back
  if (request.confirm && !request.confirm(deletion.preview)) return deletion;
  transaction.commit();
  deletion.committed = true;
  if (!request.keep_files) remove_files(deletion.preview.files, deletion);
  return deletion;
}

}  // namespace pipeline
