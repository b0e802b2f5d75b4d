#pragma once
// Creating processing and inference tasks, and registering keypoint models.

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "facemap/svd/svd.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

/// A FacemapTask: which recording, which analysis.
struct ProcessingTask {
  dj::Row recording;             ///< the VideoRecording key
  int task_id = 0;               ///< facemap_task_id
  std::string mode = "trigger";  ///< "trigger" (run our engine) or "load" (ingest Facemap's file)
  facemap::SvdParams params;     ///< sbin, regions, motion_svd / movie_svd switches
  std::string output_dir;        ///< empty: the default folder (see computations.hpp)
  std::string description;
};

/// Inserts a FacemapTask. Throws std::invalid_argument naming the recording when it does not
/// exist, and naming the task and the next free facemap_task_id when the task exists.
void add_processing_task(Pipeline& pipe, const ProcessingTask& task);

/// Registers a keypoint model: FacemapModel, its body parts, and the weights file stored in
/// the database (attach). The body parts must be rows of BodyPart, in Facemap's order. The file
/// must load as the network FacemapInference runs with these body parts (and, when `channels`
/// are given, as its params file says, with those widths); otherwise facemap::PoseModelError
/// names the model, the file and the reason, and nothing is stored.
void register_model(Pipeline& pipe, int model_id, const std::string& name,
                    const std::filesystem::path& model_file,
                    const std::vector<std::string>& body_parts, const std::string& description = "",
                    const std::vector<int>& channels = {});

/// A FacemapInferenceTask.
struct InferenceTask {
  dj::Row recording;
  int model_id = 0;
  int task_id = 0;  ///< inference_task_id: another one runs the recording with another crop
  std::string mode = "trigger";
  std::optional<std::array<int, 4>> bbox;  ///< [x1, x2, y1, y2] crop in full-frame pixels
  std::string output_dir;                  ///< empty: the default folder
  std::string description;
};

/// Inserts a FacemapInferenceTask. Throws std::invalid_argument naming the recording when it
/// does not exist, and naming the task and the next free inference_task_id of the recording and
/// model when the task exists.
void add_inference_task(Pipeline& pipe, const InferenceTask& task);

}  // namespace pipeline
