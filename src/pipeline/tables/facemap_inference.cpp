// FacemapInference's make() and the mapping between BodyPartPosition and facemap::PoseTracks
// (facemap_inference.hpp). Every column name of the table and its part appears here only.

#include "pipeline/tables/facemap_inference.hpp"

#include <algorithm>
#include <fstream>

#include <spdlog/spdlog.h>

#include "facemap/io/partial_file.hpp"
#include "facemap/pose/pose.hpp"
#include "facemap/io/pose_metadata.hpp"
#include "pipeline/tables/columns.hpp"
#include "pipeline/task_paths.hpp"
#include "utc_text.hpp"

namespace fs = std::filesystem;

namespace pipeline {
namespace {

const std::string kTable = "facemap_inference.FacemapInference";

constexpr auto kColumns =
    std::tuple{Column{"inference_completion_time", &InferenceRun::completion_time},
               Column{"inference_run_duration", &InferenceRun::seconds},
               Column{"total_frame_count", &InferenceRun::nframes}};

/// One body part's trace: a row of BodyPartPosition.
struct Position {
  std::string body_part;
  Eigen::VectorXf x, y, likelihood;
};
constexpr auto kPositionColumns =
    std::tuple{Column{"body_part", &Position::body_part}, Column{"x_pos", &Position::x},
               Column{"y_pos", &Position::y}, Column{"likelihood", &Position::likelihood}};

/// The name of the model's temporary copy: the stored file's own base name, unless that could
/// lead out of the folder (attachments written by other clients may carry any name).
fs::path model_copy_name(const std::string& stored) {
  const fs::path name = fs::path(stored).filename();
  return name.empty() || name == "." || name == ".." ? fs::path("model_state.pt") : name;
}

double seconds_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

/// Keypoints of body parts the model does not have would be stored under no model's name.
void check_bodyparts(const facemap::PoseTracks& tracks, const InferenceInputs& inputs) {
  for (const std::string& part : tracks.bodyparts) {
    if (std::find(inputs.model_bodyparts.begin(), inputs.model_bodyparts.end(), part) ==
        inputs.model_bodyparts.end()) {
      throw std::runtime_error("body part '" + part +
                               "' of the keypoint file is not a body part of model " +
                               inputs.key.project({"model_id"}).to_display());
    }
  }
}

/// Trigger mode: runs the network on the recording and writes Facemap's files.
facemap::PoseTracks run_network(const InferenceInputs& inputs, const fs::path& h5) {
  if (!inputs.model_file)
    throw std::runtime_error("model " + inputs.key.project({"model_id"}).to_display() +
                             " has no file");
  prepare_output_folder(inputs.output_dir);
  // LibTorch reads models from files: the stored weights go to a temporary file in the output
  // folder (checked writable, and where a copy a killed worker left is removed on the retry),
  // removed when the make ends, whichever way.
  const facemap::PartialFile state(inputs.output_dir /
                                   model_copy_name(inputs.model_file->filename));
  {
    std::ofstream out(state.path(), std::ios::binary);
    out.write(inputs.model_file->contents.data(),
              static_cast<std::streamsize>(inputs.model_file->contents.size()));
    if (!out) throw std::runtime_error("cannot write " + state.path().string());
  }
  const auto model = facemap::PoseModel::load_saved(
      state.path(), bodyparts_in_facemap_order(inputs.model_bodyparts));
  const facemap::Recording recording(inputs.files);
  facemap::PoseOptions options;
  if (inputs.bbox) {
    const auto& box = *inputs.bbox;
    if (box.size() != 4) throw std::invalid_argument("bbox must hold 4 numbers [x1, x2, y1, y2]");
    options.crop = facemap::CropBox{static_cast<int>(box[0]), static_cast<int>(box[1]),
                                    static_cast<int>(box[2]), static_cast<int>(box[3])};
  }
  options.batch_size = 8;
  options.progress = [](int, int) { dj::check_stop(); };
  spdlog::info("FacemapInference {}: {} frames on {}", inputs.key.to_display(), recording.nframes(),
               model.device_name());
  auto pose = facemap::predict_pose(recording, model, options);
  facemap::write_pose_h5(h5, pose.keypoints);
  // Facemap writes the run's metadata beside the keypoints; its GUI reads both, so keypoints
  // without their metadata are not left behind.
  try {
    facemap::write_pose_metadata(
        facemap::pose_metadata_path(inputs.output_dir, inputs.files.front()), pose.metadata);
  } catch (...) {
    std::error_code ignored;
    fs::remove(h5, ignored);
    throw;
  }
  return std::move(pose.keypoints);
}

}  // namespace

std::vector<std::string> bodyparts_in_facemap_order(const std::vector<std::string>& body_parts) {
  std::vector<std::string> ordered;
  for (const auto& name : facemap::facemap_bodyparts()) {
    if (std::find(body_parts.begin(), body_parts.end(), name) != body_parts.end())
      ordered.push_back(name);
  }
  return ordered;
}

FacemapInference::FacemapInference(Pipeline& pipe, DataRoots roots)
    : TableComputation(pipe, std::move(roots), kTable) {}

InferenceInputs FacemapInference::fetch(const dj::Row& key) {
  const dj::Row task = (pipe_.table("facemap_inference.FacemapInferenceTask") & key).fetch1();
  const dj::Row model = key.project({"model_id"});
  InferenceInputs inputs;
  inputs.key = key.project(target().heading().primary_key());
  inputs.mode = task.get<std::string>("task_mode");
  if (!task.is_null("bbox"))
    inputs.bbox = dj::unpack_vector<std::int64_t>(task, "bbox", dj::Conversion::exact);
  inputs.files = recording_files(pipe_, roots_, key);
  inputs.output_dir = inference_output_dir(pipe_, roots_, key);
  // The weights (megabytes, read twice per make) only when the network runs.
  if (inputs.mode == "trigger") {
    const auto file = (pipe_.table("facemap_inference.FacemapModel.File") & model).fetch();
    if (!file.empty()) inputs.model_file = file.front().get<dj::Attachment>("model_file");
  }
  for (const auto& row : (pipe_.table("facemap_inference.FacemapModel.BodyPart") & model).fetch())
    inputs.model_bodyparts.push_back(row.get<std::string>("body_part"));
  return inputs;
}

InferenceRun FacemapInference::compute(const InferenceInputs& inputs) {
  const fs::path h5 = facemap::pose_h5_path(inputs.output_dir, inputs.files.front());
  const auto started = std::chrono::steady_clock::now();
  InferenceRun run;
  if (inputs.mode == "load") {
    if (!fs::exists(h5))
      throw std::runtime_error("load mode: Facemap's keypoint file " + h5.string() +
                               " does not exist");
    run.tracks = facemap::read_pose_h5(h5);
    run.nframes = static_cast<int>(run.tracks.x.rows());
  } else {
    run.tracks = run_network(inputs, h5);
    run.nframes = static_cast<int>(run.tracks.x.rows());
  }
  check_bodyparts(run.tracks, inputs);
  run.seconds = seconds_since(started);
  run.completion_time = detail::utc_text(std::chrono::system_clock::now());
  return run;
}

void FacemapInference::insert(const dj::Row& key, const InferenceRun& run, dj::MakeInserter& out) {
  const dj::Row master_key = key.project(target().heading().primary_key());
  dj::Row master = master_key;
  set_columns(master, run, kColumns);
  out.insert1(target(), master);
  std::vector<dj::Row> positions;
  for (size_t j = 0; j < run.tracks.bodyparts.size(); ++j) {
    const auto c = static_cast<Eigen::Index>(j);
    const Position position{run.tracks.bodyparts[j], run.tracks.x.col(c), run.tracks.y.col(c),
                            run.tracks.likelihood.col(c)};
    dj::Row row = master_key;
    set_columns(row, position, kPositionColumns);
    positions.push_back(std::move(row));
  }
  out.insert(pipe_.table(kTable + ".BodyPartPosition"), positions);
}

facemap::PoseTracks fetch_keypoints(const Pipeline& pipe, const dj::Row& inference_key) {
  const dj::Row key = inference_key.project(pipe.table(kTable).heading().primary_key());
  if (!(pipe.table(kTable) & key).exists())
    throw std::invalid_argument("no FacemapInference for " + key.to_display());
  std::vector<Position> positions;
  for (const auto& row : (pipe.table(kTable + ".BodyPartPosition") & key).fetch()) {
    Position position;
    get_columns(row, position, kPositionColumns);
    positions.push_back(std::move(position));
  }
  // Facemap's order of body parts (not the keys' sorted order), then any others.
  std::vector<std::string> order = facemap::facemap_bodyparts();
  for (const auto& position : positions) {
    if (std::find(order.begin(), order.end(), position.body_part) == order.end())
      order.push_back(position.body_part);
  }
  facemap::PoseTracks tracks;
  const auto count = static_cast<Eigen::Index>(positions.size());
  for (const auto& part : order) {
    for (const auto& position : positions) {
      if (position.body_part != part) continue;
      if (tracks.bodyparts.empty()) {
        tracks.x.resize(position.x.size(), count);
        tracks.y.resize(position.x.size(), count);
        tracks.likelihood.resize(position.x.size(), count);
      }
      const auto column = static_cast<Eigen::Index>(tracks.bodyparts.size());
      tracks.x.col(column) = position.x;
      tracks.y.col(column) = position.y;
      tracks.likelihood.col(column) = position.likelihood;
      tracks.bodyparts.push_back(part);
    }
  }
  return tracks;
}

}  // namespace pipeline
