// The pipeline's schemas: declared from schemas/*.dj, the DDL in sql/ kept in step with them,
// and the tables laid out as the schema document says.

#include "pipeline/pipeline.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "support/pipeline_test.hpp"

namespace {

using PipelineSchemas = fmtest::PipelineTest;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_F(PipelineSchemas, SqlFolderMatchesTheDefinitions) {
  pipeline::Pipeline pipe(*connection, prefix);
  const auto scripts = pipe.ddl_scripts("fm_");
  ASSERT_EQ(scripts.size(), 5u);
  for (const auto& [name, script] : scripts) {
    const std::string path = std::string(FMPIPE_SOURCE_DIR) + "/sql/" + name + ".sql";
    EXPECT_EQ(read_file(path), script) << path << " is out of date with schemas/" << name
                                       << ".dj: regenerate it with `fmpipe init --write-sql sql`";
  }
}

TEST_F(PipelineSchemas, DeclaresEveryTableOfTheSchemaDocument) {
  pipeline::Pipeline pipe(*connection, prefix);
  EXPECT_EQ(pipe.table_names(),
            (std::vector<std::string>{"lab.Device",
                                      "subject.Subject",
                                      "session.Session",
                                      "session.SessionDirectory",
                                      "facial_behavior_estimation.VideoRecording",
                                      "facial_behavior_estimation.RecordingInfo",
                                      "facial_behavior_estimation.FacemapTask",
                                      "facial_behavior_estimation.FacemapProcessing",
                                      "facial_behavior_estimation.FacialSignal",
                                      "facial_behavior_estimation.FacialSignal.Region",
                                      "facial_behavior_estimation.FacialSignal.Blink",
                                      "facial_behavior_estimation.FacialSignal.MotionSVD",
                                      "facial_behavior_estimation.FacialSignal.MovieSVD",
                                      "facial_behavior_estimation.FacialSignal.Pupil",
                                      "facial_behavior_estimation.FacialSignal.Running",
                                      "facial_behavior_estimation.FacialSignal.Summary",
                                      "facial_behavior_estimation.VideoRecording.File",
                                      "facemap_inference.BodyPart",
                                      "facemap_inference.FacemapModel",
                                      "facemap_inference.FacemapModel.BodyPart",
                                      "facemap_inference.FacemapModel.File",
                                      "facemap_inference.FacemapInferenceTask",
                                      "facemap_inference.FacemapInference",
                                      "facemap_inference.FacemapInference.BodyPartPosition"}));
  EXPECT_EQ(pipe.table("facemap_inference.BodyPart").count(), 15);
  const auto motion = pipe.table("facial_behavior_estimation.FacialSignal.MotionSVD");
  EXPECT_EQ(motion.table_name(), "_facial_signal__motion_s_v_d");
  EXPECT_EQ(motion.heading().primary_key(),
            (std::vector<std::string>{"subject", "session_datetime", "recording_id",
                                      "facemap_task_id", "roi_no", "component_id"}));
  const auto position = pipe.table("facemap_inference.FacemapInference.BodyPartPosition");
  EXPECT_EQ(position.heading().primary_key(),
            (std::vector<std::string>{"subject", "session_datetime", "recording_id", "model_id",
                                      "inference_task_id", "body_part"}));
  EXPECT_EQ(pipe.table("facemap_inference.FacemapModel.File").heading().at("model_file").category,
            dj::TypeCategory::attach);
  // A second activation opens what is there and declares nothing.
  pipeline::Pipeline again(*connection, prefix);
  EXPECT_TRUE(again.ddl_scripts("fm_").empty());
}
