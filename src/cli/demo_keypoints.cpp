#include "demo_keypoints.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "facemap/pose/pose_model.hpp"
#include "pipeline/tables.hpp"
#include "pipeline/tasks.hpp"

namespace fmpipe::cli {

void add_demo_keypoint_task(pipeline::Pipeline& pipe, const dj::Row& recording,
                            const std::filesystem::path& model_dir) {
  constexpr int kModelId = 1;
  if (!(pipe.table("facemap_inference.FacemapModel") & dj::Row{{"model_id", kModelId}}).exists()) {
    pipeline::register_model(pipe, kModelId, "facemap-pipeline demo",
                             model_dir / "facemap_demo_state.pt", facemap::facemap_bodyparts(),
                             "trained on synthetic faces (bench/train_demo_model.cpp)");
  }
  dj::Row task = recording;
  task.set("model_id", kModelId);
  if (!(pipe.table("facemap_inference.FacemapInferenceTask") & task).exists()) {
    pipeline::InferenceTask spec;
    spec.recording = recording;
    spec.model_id = kModelId;
    spec.description = "demo: the synthetic face's 15 keypoints";
    pipeline::add_inference_task(pipe, spec);
  }
}

void print_keypoint_accuracy(const pipeline::Pipeline& pipe, const dj::Row& recording,
                             const facemap::SynthTruth& truth) {
  dj::Row key = recording;
  key.set("model_id", 1);
  key.set("inference_task_id", 0);
  const auto tracks = pipeline::fetch_keypoints(pipe, key);
  std::vector<double> errors;
  for (size_t j = 0; j < tracks.bodyparts.size(); ++j) {
    const auto names = facemap::facemap_bodyparts();
    const auto k = static_cast<Eigen::Index>(
        std::find(names.begin(), names.end(), tracks.bodyparts[j]) - names.begin());
    for (Eigen::Index t = 0; t < tracks.x.rows(); ++t) {
      const double dx = tracks.x(t, static_cast<Eigen::Index>(j)) - truth.keypoint_x(t, k);
      const double dy = tracks.y(t, static_cast<Eigen::Index>(j)) - truth.keypoint_y(t, k);
      errors.push_back(std::hypot(dx, dy));
    }
  }
  if (errors.empty()) return;
  std::nth_element(errors.begin(), errors.begin() + static_cast<long>(errors.size() / 2),
                   errors.end());
  std::printf("keypoints vs ground truth: median error %.2f px over %zu keypoint positions\n",
              errors[errors.size() / 2], errors.size());
}

}  // namespace fmpipe::cli
