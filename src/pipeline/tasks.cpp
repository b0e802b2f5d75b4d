#include "pipeline/tasks.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "dj/attach.hpp"
#include "dj/blob.hpp"
#include "pipeline/migrations.hpp"
#include "pipeline/tables/facemap_inference.hpp"
#include "pipeline/task_checks.hpp"
#include "pipeline/task_params.hpp"

namespace pipeline {
namespace {

void require_recording(const Pipeline& pipe, const dj::Row& recording) {
  if (!(pipe.table("facial_behavior_estimation.VideoRecording") & recording).exists()) {
    throw std::invalid_argument("no video recording " + recording.to_display());
  }
}

/// The recording's frame size, once RecordingInfo has read it from the video.
std::optional<facemap::FrameSize> known_frame_size(const Pipeline& pipe, const dj::Row& recording) {
  const auto info = pipe.table("facial_behavior_estimation.RecordingInfo") & recording;
  if (!info.exists()) return std::nullopt;
  const dj::Row row = info.fetch1();
  return facemap::FrameSize{row.get<int>("px_height"), row.get<int>("px_width")};
}

/// Refuses a task whose key exists, naming the task and the id the next task of the same
/// recording (and model) may take: what a user redoing a recording with other parameters needs,
/// where the database would only say "duplicate key".
void refuse_existing_task(const Pipeline& pipe, const std::string& table, const dj::Row& key,
                          const std::string& id_attribute, const std::string& what) {
  const dj::Table tasks = pipe.table(table);
  if (!(tasks & key).exists()) return;
  std::vector<std::string> scope_names;
  for (const auto& name : key.names())
    if (name != id_attribute) scope_names.push_back(name);
  dj::FetchOptions options;
  options.attributes = {id_attribute};
  int next_free = 0;
  for (const auto& row : (tasks & key.project(scope_names)).fetch(options))
    next_free = std::max(next_free, row.get<int>(id_attribute) + 1);
  throw std::invalid_argument(
      what + " " + std::to_string(key.get<int>(id_attribute)) + " of " +
      key.project(scope_names).to_display() + " exists already; give another " + id_attribute +
      " to keep both (the next free one is " + std::to_string(next_free) + ")");
}

/// "a, b, c", for messages.
template <typename T>
std::string joined(const std::vector<T>& items) {
  std::ostringstream text;
  for (size_t i = 0; i < items.size(); ++i) text << (i ? ", " : "") << items[i];
  return text.str();
}

/// Body parts FacemapModel.BodyPart can hold, in the order inference assigns the network's
/// output channels (Facemap's): another order would label each keypoint with another's name.
void check_model_body_parts(const Pipeline& pipe, const std::string& model,
                            const std::vector<std::string>& body_parts) {
  const auto known = pipe.table("facemap_inference.BodyPart");
  for (const auto& part : body_parts) {
    if (!(known & dj::Row{{"body_part", part}}).exists())
      throw std::invalid_argument(model + ": unknown body part '" + part + "'");
  }
  if (bodyparts_in_facemap_order(body_parts) != body_parts)
    throw std::invalid_argument(model + ": its body parts [" + joined(body_parts) +
                                "] are not in Facemap's order (or name one twice); inference "
                                "reads the network's outputs as [" +
                                joined(bodyparts_in_facemap_order(body_parts)) + "]");
}

/// Loads the file as FacemapInference will, so that a file that is not the network is refused
/// now, not at every inference task that uses it.
void check_model_file(const std::string& model, const std::filesystem::path& model_file,
                      const std::vector<std::string>& body_parts,
                      const std::vector<int>& channels) {
  try {
    const auto network = facemap::PoseModel::load_saved(model_file, body_parts);
    if (!channels.empty() && network.params().channels != channels)
      throw facemap::PoseModelError(model_file.string() + ": its params give channels [" +
                                    joined(channels) + "], its weights have [" +
                                    joined(network.params().channels) + "]");
  } catch (const facemap::PoseModelError& error) {
    throw facemap::PoseModelError(model + " is not stored: " + error.what());
  }
}

}  // namespace

void add_processing_task(Pipeline& pipe, const ProcessingTask& task) {
  require_recording(pipe, task.recording);
  if (task.mode != "trigger" && task.mode != "load") {
    throw std::invalid_argument("task mode must be 'trigger' or 'load', not '" + task.mode + "'");
  }
  const dj::BlobValue params = to_facemap_params(task.params);
  if (task.mode == "trigger") {
    // What FacemapProcessing will read back, checked now rather than failing at populate.
    try {
      check_processing_params(
          from_facemap_params(params, task.params.motion_svd, task.params.movie_svd),
          known_frame_size(pipe, task.recording));
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument("processing task " + std::to_string(task.task_id) +
                                  " of recording " + task.recording.to_display() + ": " +
                                  error.what());
    }
  }
  dj::Row row = task.recording;
  row.set("facemap_task_id", task.task_id);
  refuse_existing_task(pipe, "facial_behavior_estimation.FacemapTask", row, "facemap_task_id",
                       "processing task");
  row.set("facemap_output_dir", task.output_dir);
  row.set("task_mode", task.mode);
  row.set("facemap_params", dj::to_blob(params));
  row.set("do_mot_svd", task.params.motion_svd);
  row.set("do_mov_svd", task.params.movie_svd);
  row.set("task_description", task.description);
  pipe.table("facial_behavior_estimation.FacemapTask").insert1(row);
}

void register_model(Pipeline& pipe, int model_id, const std::string& name,
                    const std::filesystem::path& model_file,
                    const std::vector<std::string>& body_parts, const std::string& description,
                    const std::vector<int>& channels) {
  const std::string model = "model " + std::to_string(model_id) + " (" + name + ")";
  check_model_body_parts(pipe, model, body_parts);
  check_model_file(model, model_file, body_parts, channels);
  const dj::Attachment weights = dj::read_attachment(model_file);
  dj::Connection::Transaction transaction(pipe.connection());
  pipe.table("facemap_inference.FacemapModel")
      .insert1({{"model_id", model_id}, {"model_name", name}, {"model_description", description}});
  std::vector<dj::Row> parts;
  for (const auto& part : body_parts)
    parts.push_back({{"model_id", model_id}, {"body_part", part}});
  pipe.table("facemap_inference.FacemapModel.BodyPart").insert(parts);
  pipe.table("facemap_inference.FacemapModel.File")
      .insert1({{"model_id", model_id}, {"model_file", weights}});
  transaction.commit();
}

void add_inference_task(Pipeline& pipe, const InferenceTask& task) {
  require_current_layout(pipe);
  require_recording(pipe, task.recording);
  dj::Row row = task.recording;
  row.set("model_id", task.model_id);
  row.set("inference_task_id", task.task_id);
  refuse_existing_task(pipe, "facemap_inference.FacemapInferenceTask", row, "inference_task_id",
                       "inference task");
  row.set("facemap_inference_output_dir", task.output_dir);
  row.set("task_description", task.description);
  row.set("task_mode", task.mode);
  if (task.bbox) {
    const auto& b = *task.bbox;
    row.set(
        "bbox",
        dj::to_blob(dj::ColumnMajorArray::from_vector(std::vector<std::int64_t>{b[0], b[1], b[2], b[3]})));
  } else {
    row.set("bbox", dj::Value());
  }
  pipe.table("facemap_inference.FacemapInferenceTask").insert1(row);
}

}  // namespace pipeline
