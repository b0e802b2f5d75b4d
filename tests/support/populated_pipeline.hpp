#pragma once
// A test whose pipeline holds one fully analysed synthetic recording: SVD (motion and movie),
// pupil, blink, running and the demo model's keypoints. For tests of what reads results back
// (SQL helpers, Python, reports).

#include <filesystem>

#include "dj/value.hpp"
#include "synth/synthetic_face.hpp"
#include "pipeline/paths.hpp"
#include "pipeline/pipeline.hpp"
#include "support/pipeline_test.hpp"

namespace fmtest {

class PopulatedPipelineTest : public PipelineTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  static constexpr int kFrames = 60;
  static constexpr int kComponents = 20;
  std::filesystem::path root;
  std::unique_ptr<pipeline::DataRoots> roots;
  std::unique_ptr<pipeline::Pipeline> pipe;
  facemap::SynthTruth truth;
  dj::Row recording;      ///< the VideoRecording key
  dj::Row task_key;       ///< the FacemapTask key (FacialSignal)
  dj::Row inference_key;  ///< the FacemapInference key
};

}  // namespace fmtest
