#pragma once
// facemap_inference.FacemapInference and its part BodyPartPosition: the keypoints of one
// recording by one model. Trigger mode runs the keypoint network with the weights stored in
// FacemapModel.File and writes <stem>_FacemapPose.h5 with its metadata; load mode ingests the
// .h5 Facemap wrote. The definition is schemas/facemap_inference.dj; this file holds its make()
// and the one mapping between its columns and facemap::PoseTracks, used both to insert and to
// read back.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "facemap/io/pose_h5.hpp"
#include "facemap/pose/pose_model.hpp"
#include "pipeline/tables/table_computation.hpp"

namespace pipeline {

/// The task, the recording's files and the model, as the fetch phase read them.
struct InferenceInputs {
  dj::Row key;                                    ///< the task's key, for messages
  std::string mode;                               ///< "trigger" or "load"
  std::optional<std::vector<std::int64_t>> bbox;  ///< [x1, x2, y1, y2] crop, when given
  std::vector<std::filesystem::path> files;       ///< the recording's videos, in time order
  std::filesystem::path output_dir;               ///< where the .h5 is written or found
  std::optional<dj::Attachment> model_file;       ///< the weights (read in trigger mode only)
  std::vector<std::string> model_bodyparts;       ///< the model's registered body parts
  bool operator==(const InferenceInputs&) const = default;
};

/// The keypoints and how they were made.
struct InferenceRun {
  facemap::PoseTracks tracks;
  std::string completion_time;  ///< UTC
  double seconds = 0;           ///< run duration
  int nframes = 0;
};

class FacemapInference : public TableComputation<FacemapInference, InferenceInputs, InferenceRun> {
 public:
  FacemapInference(Pipeline& pipe, DataRoots roots);

  InferenceInputs fetch(const dj::Row& key);
  static InferenceRun compute(const InferenceInputs& inputs);
  void insert(const dj::Row& key, const InferenceRun& run, dj::MakeInserter& out);
};

/// The keypoints of one FacemapInference key (recording, model_id, inference_task_id), body
/// parts in Facemap's order, then any others.
facemap::PoseTracks fetch_keypoints(const Pipeline& pipe, const dj::Row& inference_key);

/// The model's body parts in the order inference gives them to the network's output channels:
/// Facemap's, keeping those in `body_parts`.
std::vector<std::string> bodyparts_in_facemap_order(const std::vector<std::string>& body_parts);

}  // namespace pipeline
