// `fmpipe demo` works in schemas of its own: next to a lab's pipeline (FMPIPE_SCHEMA_PREFIX)
// holding a subject named like the demo's and a pending key, a demo run neither deletes the
// subject nor populates or fails on the key.

#include <filesystem>

#include <gtest/gtest.h>

#include "dj/jobs.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/schema_file.hpp"
#include "pipeline/tasks.hpp"
#include "support/command.hpp"
#include "support/pipeline_test.hpp"

namespace fs = std::filesystem;

namespace {

class DemoPrefix : public fmtest::PipelineTest {
 protected:
  void TearDown() override {
    if (connection) {
      pqxx::nontransaction work(connection->native());
      work.exec("DROP SCHEMA IF EXISTS \"" + demo_prefix + "views\" CASCADE");
      const auto& schemas = pipeline::builtin_schemas();
      for (auto it = schemas.rbegin(); it != schemas.rend(); ++it)
        work.exec("DROP SCHEMA IF EXISTS \"" + demo_prefix + it->name + "\" CASCADE");
    }
    fs::remove_all(data_dir);
    PipelineTest::TearDown();
  }
  const std::string demo_prefix = fmtest::unique_schema_name("demo") + "_";
  const fs::path data_dir = fs::temp_directory_path() / fmtest::unique_schema_name("fmpipe_demo");
};

TEST_F(DemoPrefix, ADemoRunLeavesTheLabsTablesAlone) {
  pipeline::Pipeline lab(*connection, prefix);
  // The demo's own subject and recording, as a lab could have them, with a task not yet run.
  const pipeline::RecordingEntry entry{"demo",
                                       "U",
                                       "2024-01-01",
                                       "",
                                       "2024-06-01 12:00:00",
                                       "demo/session1",
                                       0,
                                       "camera0",
                                       {"demo/session1/face.avi"}};
  pipeline::ingest(lab, {entry});
  pipeline::ProcessingTask task;
  task.recording = pipeline::recording_key(entry);
  pipeline::add_processing_task(lab, task);

  const auto result = fmtest::run_command(
      {std::string(FMPIPE_BINARY_DIR) + "/fmpipe", "demo", "--data-dir", data_dir.string(),
       "--frames", "40", "--model-dir", std::string(FMPIPE_SOURCE_DIR) + "/models", "--prefix",
       demo_prefix},
      {"DATABASE_URL=" + fmtest::database_url(), "FMPIPE_SCHEMA_PREFIX=" + prefix});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("schemas: " + demo_prefix + "*"), std::string::npos);

  const pipeline::Pipeline demo(*connection, demo_prefix);
  EXPECT_EQ(demo.table("facial_behavior_estimation.FacialSignal").count(), 1);
  EXPECT_EQ(demo.table("facemap_inference.FacemapInference").count(), 1);
  EXPECT_EQ((lab.table("subject.Subject") & dj::Row{{"subject", "demo"}}).count(), 1);
  EXPECT_EQ(lab.table("facial_behavior_estimation.FacemapTask").count(), 1);
  for (const std::string computed :
       {"facial_behavior_estimation.RecordingInfo", "facial_behavior_estimation.FacemapProcessing",
        "facial_behavior_estimation.FacialSignal", "facemap_inference.FacemapInference"}) {
    EXPECT_EQ(lab.table(computed).count(), 0) << computed;
    EXPECT_TRUE(dj::JobTable(lab.table(computed)).list().empty()) << computed;
  }
}

}  // namespace
