#include "support/populated_pipeline.hpp"

#include <unistd.h>

#include "facemap/pose/pose_model.hpp"
#include "pipeline/computations.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/tasks.hpp"

namespace fs = std::filesystem;

namespace fmtest {

void PopulatedPipelineTest::SetUp() {
  PipelineTest::SetUp();
  root = fs::temp_directory_path() / unique_schema_name("fmpipe_populated");
  const fs::path raw = root / "raw";
  roots = std::make_unique<pipeline::DataRoots>(std::vector<fs::path>{raw}, root / "processed");
  facemap::SynthParams synth;
  synth.height = 128;
  synth.width = 128;
  synth.nframes = kFrames;
  const facemap::SyntheticFace face(synth);
  fs::create_directories(raw / "m1/s1");
  truth = facemap::write_synthetic_video(face, raw / "m1/s1/face.avi", raw / "m1/s1/truth.npy");

  pipe = std::make_unique<pipeline::Pipeline>(*connection, prefix);
  recording = ingest_face_recording(*pipe);

  pipeline::ProcessingTask task;
  task.recording = recording;
  task.params.components = kComponents;
  task.params.movie_svd = true;
  task.params.rois = face.rois().all();
  pipeline::add_processing_task(*pipe, task);
  task_key = recording;
  task_key.set("facemap_task_id", 0);

  pipeline::register_model(*pipe, 1, "demo",
                           fs::path(FMPIPE_SOURCE_DIR) / "models/facemap_demo_state.pt",
                           facemap::facemap_bodyparts());
  pipeline::InferenceTask inference;
  inference.recording = recording;
  inference.model_id = 1;
  pipeline::add_inference_task(*pipe, inference);
  inference_key = recording;
  inference_key.set("model_id", 1);
  inference_key.set("inference_task_id", 0);

  dj::PopulateOptions options;
  for (auto& [name, table] : pipeline::computations(*pipe, *roots)) {
    const auto result = table->populate(options);
    ASSERT_EQ(result.made, 1) << name;
  }
}

void PopulatedPipelineTest::TearDown() {
  fs::remove_all(root);
  PipelineTest::TearDown();
}

}  // namespace fmtest
