// Bad keypoint model files through FacemapInference's populate, stored as another client can
// store them (`fmpipe model add` refuses them: test_model_add.cpp): a valid torch file of another
// network, a Facemap state dict with a key missing or a tensor of another shape, a torch file
// that holds no dict, random bytes, text, and a truncated copy of a good model. Each inference
// task with a bad model gets an error in its job table naming the model file and the reason,
// leaves no row and no keypoint file, and the task with the good model in the same populate
// call is made.

#include "dj/attach.hpp"
#include "facemap/pose/pose_model.hpp"
#include "pipeline/tasks.hpp"
#include "reliability/bad_input_pipeline.hpp"
#include "reliability/bad_model_files.hpp"

namespace fs = std::filesystem;

namespace {

constexpr const char* kInference = "facemap_inference.FacemapInference";

class BadModelInput : public fmtest::BadInputPipeline {
 protected:
  /// Stores a model file as another client (DataJoint's Python client) can, without the check
  /// `fmpipe model add` makes: inference must still refuse it clearly.
  void store_unchecked(int model_id, const fs::path& file) {
    pipe->table("facemap_inference.FacemapModel")
        .insert1({{"model_id", model_id}, {"model_name", file.filename().string()}});
    for (const auto& part : facemap::facemap_bodyparts())
      pipe->table("facemap_inference.FacemapModel.BodyPart")
          .insert1({{"model_id", model_id}, {"body_part", part}});
    pipe->table("facemap_inference.FacemapModel.File")
        .insert1({{"model_id", model_id}, {"model_file", dj::read_attachment(file)}});
  }
};

}  // namespace

TEST_F(BadModelInput, BadModelFilesAreRecordedAndLeaveNothingBehind) {
  write_video("m1/s1/face.avi", 64, 4);
  const auto recording_entry = entry(0, {"m1/s1/face.avi"});
  pipeline::ingest(*pipe, {recording_entry});
  const dj::Row recording = pipeline::recording_key(recording_entry);

  const auto bad = fmtest::write_bad_models(root / "models");
  pipeline::register_model(*pipe, 0, "demo", fmtest::kDemoModel, facemap::facemap_bodyparts());
  for (size_t i = 0; i < bad.size(); ++i)
    store_unchecked(static_cast<int>(i) + 1, root / "models" / bad[i].file);
  std::vector<dj::Row> keys;
  for (int model_id = 0; model_id <= static_cast<int>(bad.size()); ++model_id) {
    pipeline::InferenceTask task;
    task.recording = recording;
    task.model_id = model_id;
    pipeline::add_inference_task(*pipe, task);
    keys.push_back(recording);
    keys.back().set("model_id", model_id);
    keys.back().set("inference_task_id", 0);
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
