// make() of FacemapInference.

#include "pipeline/facemap_inference.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>

#include <spdlog/spdlog.h>

#include "dj/blob.hpp"
#include "facemap/partial_file.hpp"
#include "facemap/pose.hpp"
#include "facemap/pose_metadata.hpp"
#include "facemap/torch_file.hpp"

namespace fs = std::filesystem;

namespace pipeline {
namespace {

struct InferenceResult {
  facemap::PoseTracks tracks;
  double seconds = 0;
  int nframes = 0;
};

std::string utc_now() {
  const std::time_t seconds = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &parts);
  return buffer;
}

/// The name of the model's temporary copy: the stored file's own base name, unless that could
/// lead out of the folder (attachments written by other clients may carry any name).
fs::path model_copy_name(const std::string& stored) {
  const fs::path name = fs::path(stored).filename();
  return name.empty() || name == "." || name == ".." ? fs::path("model_state.pt") : name;
}

}  // namespace

facemap::PoseModelParams pose_params_of_state(const fs::path& state_file,
                                              std::vector<std::string> bodyparts) {
  facemap::pickle::Value state;
  try {
    state = facemap::read_torch_file(state_file);
  } catch (const facemap::TorchFileError& error) {
    throw facemap::PoseModelError(error.what());
  }
  if (state.kind() != facemap::pickle::Value::Kind::dict)
    throw facemap::PoseModelError(state_file.string() + ": not a state dict (it holds a " +
                                  state.kind_name() + ")");
  facemap::PoseModelParams params;
  params.bodyparts = std::move(bodyparts);
  for (size_t k = 0; k < params.channels.size(); ++k) {
    // Each encoder block ends with a 3x3 convolution whose output width is the block's.
    const std::string key = "Conv.conv" + std::to_string(k) + ".conv.conv_1.2.weight";
    const auto* weight = state.as_dict().find(key);
    if (!weight || weight->kind() != facemap::pickle::Value::Kind::ndarray)
      throw facemap::PoseModelError(state_file.string() + ": no tensor '" + key +
                                    "': not a Facemap model");
    params.channels[k] = static_cast<int>(weight->as_ndarray().shape().at(0));
  }
  return params;
}

facemap::PoseModel load_stored_model(const fs::path& state_file,
                                     std::vector<std::string> bodyparts) {
  return facemap::PoseModel::load_state(state_file,
                                        pose_params_of_state(state_file, std::move(bodyparts)));
}

std::vector<std::string> bodyparts_in_facemap_order(const std::vector<std::string>& body_parts) {
  std::vector<std::string> ordered;
  for (const auto& name : facemap::facemap_bodyparts()) {
    if (std::find(body_parts.begin(), body_parts.end(), name) != body_parts.end())
      ordered.push_back(name);
  }
  return ordered;
}

FacemapInferenceMaker::FacemapInferenceMaker(Pipeline& pipe, DataRoots roots)
    : PipelineMaker(pipe, std::move(roots), "facemap_inference.FacemapInference") {}

std::vector<dj::Row> FacemapInferenceMaker::make_fetch(const dj::Row& key) {
  const dj::Row model = key.project({"model_id"});
  auto rows = (pipe_.table("facemap_inference.FacemapInferenceTask") & key).fetch();
  for (auto& row : (pipe_.table("facemap_inference.FacemapModel.File") & model).fetch())
    rows.push_back(std::move(row));
  return rows;
}

std::any FacemapInferenceMaker::make_compute(const dj::Row& key,
                                             const std::vector<dj::Row>& inputs) {
  const dj::Row& task = inputs.front();
  const auto files = recording_files(pipe_, roots_, key);
  const fs::path folder = inference_output_dir(pipe_, roots_, key);
  const fs::path h5 = folder / (files.front().stem().string() + "_FacemapPose.h5");
  const auto started = std::chrono::steady_clock::now();
  InferenceResult result;
  if (task.get<std::string>("task_mode") == "load") {
    if (!fs::exists(h5))
      throw std::runtime_error("load mode: Facemap's keypoint file " + h5.string() +
                               " does not exist");
    result.tracks = facemap::read_pose_h5(h5);
    result.nframes = static_cast<int>(result.tracks.x.rows());
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
  }
  if (inputs.size() < 2)
    throw std::runtime_error("model " + key.project({"model_id"}).to_display() + " has no file");
  std::vector<std::string> stored;
  for (const auto& row :
       (pipe_.table("facemap_inference.FacemapModel.BodyPart") & key.project({"model_id"})).fetch())
    stored.push_back(row.get<std::string>("body_part"));
  // LibTorch reads models from files: the stored weights go to a temporary file in the output
  // folder (checked writable, and where a copy a killed worker left is removed on the retry),
  // removed when the make ends, whichever way.
  const auto& weights = inputs[1].get<dj::Attachment>("model_file");
  const facemap::PartialFile state(folder / model_copy_name(weights.filename));
  {
    std::ofstream out(state.path(), std::ios::binary);
    out.write(weights.contents.data(), static_cast<std::streamsize>(weights.contents.size()));
    if (!out) throw std::runtime_error("cannot write " + state.path().string());
  }
  const auto model = load_stored_model(state.path(), bodyparts_in_facemap_order(stored));
  const facemap::Recording recording(files);
  facemap::PoseOptions options;
  if (!task.is_null("bbox")) {
    const auto box = dj::unpack_vector<std::int64_t>(task, "bbox", dj::Conversion::exact);
    if (box.size() != 4) throw std::invalid_argument("bbox must hold 4 numbers [x1, x2, y1, y2]");
    options.crop = facemap::CropBox{static_cast<int>(box[0]), static_cast<int>(box[1]),
                                    static_cast<int>(box[2]), static_cast<int>(box[3])};
  }
  options.batch_size = 8;
  options.progress = [](int, int) { dj::check_stop(); };
  spdlog::info("FacemapInference {}: {} frames on {}", key.to_display(), recording.nframes(),
               model.device_name());
  auto pose = facemap::predict_pose(recording, model, options);
  result.tracks = std::move(pose.keypoints);
  result.nframes = recording.nframes();
  facemap::write_pose_h5(h5, result.tracks);
  // Facemap writes the run's metadata beside the keypoints; its GUI reads both, so keypoints
  // without their metadata are not left behind.
  try {
    facemap::write_pose_metadata(facemap::pose_metadata_path(folder, files.front()), pose.metadata);
  } catch (...) {
    std::error_code ignored;
    fs::remove(h5, ignored);
    throw;
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

void FacemapInferenceMaker::make_insert(const dj::Row& key, const std::any& computed,
                                        dj::MakeInserter& out) {
  const auto& result = std::any_cast<const InferenceResult&>(computed);
  const dj::Row master_key = key.project(target().heading().primary_key());
  dj::Row master = master_key;
  master.set("inference_completion_time", utc_now());
  master.set("inference_run_duration", result.seconds);
  master.set("total_frame_count", result.nframes);
  out.insert1(target(), master);
  std::vector<dj::Row> positions;
  const auto model_parts =
      (pipe_.table("facemap_inference.FacemapModel.BodyPart") & key.project({"model_id"})).fetch();
  for (size_t j = 0; j < result.tracks.bodyparts.size(); ++j) {
    const std::string& part = result.tracks.bodyparts[j];
    const bool registered =
        std::any_of(model_parts.begin(), model_parts.end(),
                    [&](const dj::Row& row) { return row.get<std::string>("body_part") == part; });
    if (!registered) {
      throw std::runtime_error("body part '" + part +
                               "' of the keypoint file is not a body part of model " +
                               key.project({"model_id"}).to_display());
    }
    const auto c = static_cast<Eigen::Index>(j);
    dj::Row row = master_key;
    row.set("body_part", part);
    row.set("x_pos", dj::to_blob(dj::NdArray::from_eigen(Eigen::VectorXf(result.tracks.x.col(c)))));
    row.set("y_pos", dj::to_blob(dj::NdArray::from_eigen(Eigen::VectorXf(result.tracks.y.col(c)))));
    row.set("likelihood",
            dj::to_blob(dj::NdArray::from_eigen(Eigen::VectorXf(result.tracks.likelihood.col(c)))));
    positions.push_back(std::move(row));
  }
  out.insert(pipe_.table("facemap_inference.FacemapInference.BodyPartPosition"), positions);
}

}  // namespace pipeline
