// Bad keypoint model files through FacemapInference's populate: a valid torch file of another
// network, a Facemap state dict with a key missing, a torch file that holds no dict, random
// bytes, and a truncated copy of a good model. Each inference task with a bad model gets an
// error in its job table naming the model file and the reason, leaves no row and no keypoint
// file, and the task with the good model in the same populate call is made.

#include <fstream>
#include <random>

#include "facemap/pose_model.hpp"
#include "facemap/torch_file.hpp"
#include "pipeline/tasks.hpp"
#include "reliability/bad_input_pipeline.hpp"

namespace fs = std::filesystem;
using facemap::pickle::Value;

namespace {

constexpr const char* kInference = "facemap_inference.FacemapInference";

const fs::path kDemoModel = fs::path(FMPIPE_SOURCE_DIR) / "models/facemap_demo_state.pt";

/// A model file and what the error of a task using it must say.
struct BadModel {
  std::string file;    ///< its name; the stored attachment keeps it
  std::string reason;  ///< words of the reason
};

class BadModelInput : public fmtest::BadInputPipeline {
 protected:
  fs::path model_path(const std::string& name) const { return root / "models" / name; }
};

/// A small network that is not Facemap's, saved as torch.save saves a state dict.
void write_other_network(const fs::path& path) {
  facemap::pickle::Dict state;
  state.set("features.0.weight", Value::ndarray(facemap::NdArray::from_values<float>(
                                     {2, 3}, {0.f, 1.f, 2.f, 3.f, 4.f, 5.f})));
  state.set("classifier.bias",
            Value::ndarray(facemap::NdArray::from_values<float>({2}, {0.5f, -0.5f})));
  facemap::write_torch_file(path, Value::dict(std::move(state)));
}

/// The demo model's state dict without its last entry (a final batch-norm statistic).
void write_state_missing_a_key(const fs::path& path, std::string* dropped) {
  const Value demo = facemap::read_torch_file(kDemoModel);
  facemap::pickle::Dict state;
  const auto& entries = demo.as_dict().entries();
  for (size_t i = 0; i + 1 < entries.size(); ++i) state.set(entries[i].first, entries[i].second);
  *dropped = entries.back().first.as_str();
  facemap::write_torch_file(path, Value::dict(std::move(state)));
}

}  // namespace

TEST_F(BadModelInput, BadModelFilesAreRecordedAndLeaveNothingBehind) {
  write_video("m1/s1/face.avi", 64, 4);
  const auto recording_entry = entry(0, {"m1/s1/face.avi"});
  pipeline::ingest(*pipe, {recording_entry});
  const dj::Row recording = pipeline::recording_key(recording_entry);

  fs::create_directories(root / "models");
  write_other_network(model_path("other_network.pt"));
  std::string dropped_key;
  write_state_missing_a_key(model_path("missing_key.pt"), &dropped_key);
  facemap::write_torch_file(model_path("a_list.pt"),
                            Value::list({Value::integer(1), Value::integer(2)}));
  {
    std::mt19937 random(7);
    std::ofstream out(model_path("random_bytes.pt"), std::ios::binary);
    for (int i = 0; i < 4096; ++i) out.put(static_cast<char>(random() & 0xFF));
  }
  fs::copy_file(kDemoModel, model_path("truncated.pt"));
  fs::resize_file(model_path("truncated.pt"), fs::file_size(kDemoModel) / 2);

  const std::vector<BadModel> bad = {
      {"other_network.pt", "not a Facemap model"},
      {"missing_key.pt", "missing key '" + dropped_key + "'"},
      {"a_list.pt", "not a state dict"},
      {"random_bytes.pt", "not a torch.save zip archive"},
      {"truncated.pt", "not a torch.save zip archive"},
  };
  pipeline::register_model(*pipe, 0, "demo", kDemoModel, facemap::facemap_bodyparts());
  for (size_t i = 0; i < bad.size(); ++i) {
    pipeline::register_model(*pipe, static_cast<int>(i) + 1, bad[i].file, model_path(bad[i].file),
                             facemap::facemap_bodyparts());
  }
  std::vector<dj::Row> keys;
  for (int model_id = 0; model_id <= static_cast<int>(bad.size()); ++model_id) {
    pipeline::InferenceTask task;
    task.recording = recording;
    task.model_id = model_id;
    pipeline::add_inference_task(*pipe, task);
    keys.push_back(recording);
    keys.back().set("model_id", model_id);
  }
  std::vector<std::map<std::string, long long>> before;
  for (size_t i = 0; i < bad.size(); ++i) before.push_back(rows_matching(keys[i + 1]));

  auto results = populate_all();
  EXPECT_EQ(results[kInference].made, 1);
  EXPECT_EQ(results[kInference].errors.size(), bad.size());
  for (size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(bad[i].file);
    fmtest::expect_mentions(job_error(kInference, keys[i + 1]), {bad[i].file, bad[i].reason});
    // Only the recording's info, made in the same run, is new.
    EXPECT_EQ(tables_changed(keys[i + 1], before[i]),
              std::set<std::string>{"facial_behavior_estimation.RecordingInfo"});
    // No keypoints, and no temporary copy of the model either.
    EXPECT_TRUE(
        fs::is_empty(roots.processed_root() / "m1/s1" /
                     ("facemap_m1_2024-05-06_07-08-09_recording0_model" + std::to_string(i + 1))));
  }
  EXPECT_EQ((pipe->table("facemap_inference.FacemapInference.BodyPartPosition") & keys[0]).count(),
            15);
  EXPECT_TRUE(
      fs::exists(roots.processed_root() /
                 "m1/s1/facemap_m1_2024-05-06_07-08-09_recording0_model0/face_FacemapPose.h5"));
}
