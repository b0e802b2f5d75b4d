// Redoing a recording with other parameters: a task id that exists is refused with the next
// free one, processing and inference tasks each take another id for another analysis of the
// same recording (with folders of their own), and the inference tables of earlier versions,
// keyed without a task id, are migrated with their rows.

#include <functional>

#include <gtest/gtest.h>

#include "dj/blob.hpp"
#include "dj/jobs.hpp"
#include "pipeline/computations.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/migrations.hpp"
#include "pipeline/task_params.hpp"
#include "pipeline/task_paths.hpp"
#include "pipeline/tasks.hpp"
#include "support/command.hpp"
#include "support/pipeline_test.hpp"

namespace fs = std::filesystem;

namespace {

class TaskRedo : public fmtest::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    pipe = std::make_unique<pipeline::Pipeline>(*connection, prefix);
    recording = fmtest::ingest_face_recording(*pipe);
  }

  /// A model row without weights: enough for tasks that are created, not run.
  void add_model(int model_id) {
    pipe->table("facemap_inference.FacemapModel")
        .insert1({{"model_id", model_id}, {"model_name", "m" + std::to_string(model_id)}});
  }

  std::unique_ptr<pipeline::Pipeline> pipe;
  dj::Row recording;
};

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST_F(TaskRedo, AnExistingProcessingTaskIdIsRefusedWithTheNextFreeOne) {
  pipeline::ProcessingTask task;
  task.recording = recording;
  task.mode = "load";
  pipeline::add_processing_task(*pipe, task);
  const std::string first = error_of([&] { pipeline::add_processing_task(*pipe, task); });
  EXPECT_NE(first.find("processing task 0 of "), std::string::npos) << first;
  EXPECT_NE(first.find("'m1'"), std::string::npos) << first;
  EXPECT_NE(first.find("exists already"), std::string::npos) << first;
  EXPECT_NE(first.find("the next free one is 1"), std::string::npos) << first;

  // Another id analyses the same recording with another region; both tasks stay.
  task.task_id = 3;
  task.params.rois = {pipeline::rectangle_roi(facemap::RoiType::motion, 0, 10, 0, 10)};
  pipeline::add_processing_task(*pipe, task);
  EXPECT_EQ((pipe->table("facial_behavior_estimation.FacemapTask") & recording).count(), 2);
  task.task_id = 0;
  const std::string second = error_of([&] { pipeline::add_processing_task(*pipe, task); });
  EXPECT_NE(second.find("the next free one is 4"), std::string::npos) << second;
}

TEST_F(TaskRedo, InferenceTasksOfOneRecordingAndModelTakeIdsAndFoldersOfTheirOwn) {
  add_model(1);
  pipeline::InferenceTask task;
  task.recording = recording;
  task.model_id = 1;
  task.bbox = std::array<int, 4>{0, 64, 0, 64};
  pipeline::add_inference_task(*pipe, task);
  task.task_id = 1;
  task.bbox = std::array<int, 4>{32, 96, 16, 80};
  pipeline::add_inference_task(*pipe, task);

  const dj::Table tasks = pipe->table("facemap_inference.FacemapInferenceTask");
  dj::FetchOptions by_id;
  by_id.order_by = {"inference_task_id"};
  const auto rows = (tasks & recording).fetch(by_id);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(dj::unpack_vector<std::int64_t>(rows[0], "bbox"),
            (std::vector<std::int64_t>{0, 64, 0, 64}));
  EXPECT_EQ(dj::unpack_vector<std::int64_t>(rows[1], "bbox"),
            (std::vector<std::int64_t>{32, 96, 16, 80}));

  task.task_id = 0;
  const std::string refused = error_of([&] { pipeline::add_inference_task(*pipe, task); });
  EXPECT_NE(refused.find("inference task 0 of "), std::string::npos) << refused;
  EXPECT_NE(refused.find("the next free one is 2"), std::string::npos) << refused;

  // Trigger mode's default folders differ per task; task 0 keeps the name it had before ids.
  const pipeline::DataRoots roots({"/data"}, "/processed");
  dj::Row key = rows[0].project(tasks.heading().primary_key());
  const fs::path folder0 = pipeline::inference_output_dir(*pipe, roots, key);
  key.set("inference_task_id", 1);
  const fs::path folder1 = pipeline::inference_output_dir(*pipe, roots, key);
  EXPECT_EQ(folder0, "/processed/m1/s1/facemap_m1_2024-05-06_07-08-09_recording0_model1");
  EXPECT_EQ(folder1, "/processed/m1/s1/facemap_m1_2024-05-06_07-08-09_recording0_model1_task1");
}

TEST_F(TaskRedo, TheCommandNamesTheTaskAndTheNextFreeId) {
  add_model(2);
  const std::string fmpipe = std::string(FMPIPE_BINARY_DIR) + "/fmpipe";
  const std::vector<std::string> environment = {"DATABASE_URL=" + fmtest::database_url(),
                                                "FMPIPE_SCHEMA_PREFIX=" + prefix};
  const std::vector<std::string> inference = {fmpipe,
                                              "task",
                                              "inference",
                                              "--subject",
                                              "m1",
                                              "--session",
                                              "2024-05-06 07:08:09",
                                              "--model-id",
                                              "2",
                                              "--mode",
                                              "load",
                                              "--task-id"};
  auto with_id = [&](const char* id) {
    auto argv = inference;
    argv.push_back(id);
    return fmtest::run_command(argv, environment);
  };
  ASSERT_EQ(with_id("0").exit_code, 0);
  ASSERT_EQ(with_id("1").exit_code, 0);
  const auto again = with_id("1");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("inference task 1 of "), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("the next free one is 2"), std::string::npos) << again.output;
  EXPECT_EQ(again.output.find("duplicate key"), std::string::npos) << again.output;

  const std::vector<std::string> processing = {
      fmpipe,   "task", "processing", "--subject", "m1", "--session", "2024-05-06 07:08:09",
      "--mode", "load"};
  ASSERT_EQ(fmtest::run_command(processing, environment).exit_code, 0);
  const auto duplicate = fmtest::run_command(processing, environment);
  EXPECT_NE(duplicate.exit_code, 0);
  EXPECT_NE(duplicate.output.find("processing task 0 of "), std::string::npos) << duplicate.output;
  EXPECT_NE(duplicate.output.find("the next free one is 1"), std::string::npos) << duplicate.output;
}

// The inference tables as earlier versions declared them: keyed by the recording and the model.
constexpr const char* kOldTask = R"(
-> facial_behavior_estimation.VideoRecording
-> FacemapModel
---
facemap_inference_output_dir : varchar(255)
task_description=''      : varchar(128)
task_mode='load'         : enum('load', 'trigger')
bbox=null                : longblob
)";
constexpr const char* kOldInference = R"(
-> FacemapInferenceTask
---
inference_completion_time : datetime
inference_run_duration    : float
total_frame_count         : int
)";
constexpr const char* kOldPosition = R"(
-> master
-> FacemapModel.BodyPart
---
x_pos                    : longblob
y_pos                    : longblob
likelihood               : longblob
)";

TEST_F(TaskRedo, InferenceTablesWithoutTaskIdsAreMigratedWithTheirRows) {
  // Replace the current inference tables by the old layout, and fill it.
  {
    dj::Schema& schema = pipe->schema("facemap_inference");
    pipe->connection().run([&](pqxx::transaction_base& tx) {
      for (const char* table : {"__facemap_inference__body_part_position", "__facemap_inference",
                                "facemap_inference_task"})
        tx.exec("DROP TABLE " + dj::qualified_name(schema.name(), table));
    });
    schema.refresh();
    schema.declare("FacemapInferenceTask", dj::Tier::manual, kOldTask);
    schema.declare("FacemapInference", dj::Tier::computed, kOldInference);
    schema.declare_part("FacemapInference", "BodyPartPosition", kOldPosition);
  }
  add_model(1);
  pipe->table("facemap_inference.FacemapModel.BodyPart")
      .insert1({{"model_id", 1}, {"body_part", "paw"}});
  dj::Row task = recording;
  task.set("model_id", 1);
  task.set("facemap_inference_output_dir", "keypoints/m1");
  task.set("task_mode", "load");
  task.set("bbox",
           dj::to_blob(dj::ColumnMajorArray::from_vector(std::vector<std::int64_t>{1, 2, 3, 4})));
  pipe->table("facemap_inference.FacemapInferenceTask").insert1(task);
  dj::Row done = recording;
  done.set("model_id", 1);
  done.set("inference_completion_time", "2024-06-01 10:00:00");
  done.set("inference_run_duration", 12.5);
  done.set("total_frame_count", 3);
  dj::InsertOptions direct;  // as an earlier version's populate left them
  direct.allow_direct_insert = true;
  pipe->table("facemap_inference.FacemapInference").insert1(done, direct);
  dj::Row position = recording;
  position.set("model_id", 1);
  position.set("body_part", "paw");
  for (const char* trace : {"x_pos", "y_pos", "likelihood"})
    position.set(trace,
                 dj::to_blob(dj::ColumnMajorArray::from_vector(std::vector<float>{1, 2, 3})));
  pipe->table("facemap_inference.FacemapInference.BodyPartPosition").insert1(position, direct);
  dj::JobTable old_jobs(pipe->table("facemap_inference.FacemapInference"));
  dj::Row job = recording;
  job.set("model_id", 1);
  old_jobs.ignore({job});

  // A program of this version opens the old database: it refuses to compute or create
  // inference tasks until init has migrated it.
  pipeline::Pipeline opened(*connection, prefix);
  const pipeline::DataRoots roots({"/data"}, "/processed");
  for (const auto& refused : {std::function<void()>([&] { pipeline::computations(opened, roots); }),
                              std::function<void()>([&] {
                                pipeline::InferenceTask task;
                                task.recording = recording;
                                task.model_id = 1;
                                pipeline::add_inference_task(opened, task);
                              })}) {
    try {
      refused();
      ADD_FAILURE() << "an old layout was used";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("FacemapInferenceTask has the layout of an earlier "
                                           "version (no inference_task_id in its key): run "
                                           "`fmpipe init`"),
                std::string::npos)
          << e.what();
    }
  }
  const pipeline::MigrationReport report = pipeline::migrate_stored_rows(opened);
  ASSERT_TRUE(report.inference_tasks.has_value());
  EXPECT_EQ(*report.inference_tasks, 1);

  const std::vector<std::string> task_key = {"subject", "session_datetime", "recording_id",
                                             "model_id", "inference_task_id"};
  EXPECT_EQ(opened.table("facemap_inference.FacemapInferenceTask").heading().primary_key(),
            task_key);
  EXPECT_EQ(opened.table("facemap_inference.FacemapInference").heading().primary_key(), task_key);
  auto part_key = task_key;
  part_key.push_back("body_part");
  EXPECT_EQ(
      opened.table("facemap_inference.FacemapInference.BodyPartPosition").heading().primary_key(),
      part_key);

  const dj::Row migrated_task = opened.table("facemap_inference.FacemapInferenceTask").fetch1();
  EXPECT_EQ(migrated_task.get<int>("inference_task_id"), 0);
  EXPECT_EQ(migrated_task.get<std::string>("facemap_inference_output_dir"), "keypoints/m1");
  EXPECT_EQ(dj::unpack_vector<std::int64_t>(migrated_task, "bbox"),
            (std::vector<std::int64_t>{1, 2, 3, 4}));
  const dj::Row migrated_run = opened.table("facemap_inference.FacemapInference").fetch1();
  EXPECT_EQ(migrated_run.get<int>("inference_task_id"), 0);
  EXPECT_EQ(migrated_run.get<int>("total_frame_count"), 3);
  EXPECT_DOUBLE_EQ(migrated_run.get<double>("inference_run_duration"), 12.5);
  const dj::Row migrated_position =
      opened.table("facemap_inference.FacemapInference.BodyPartPosition").fetch1();
  EXPECT_EQ(migrated_position.get<int>("inference_task_id"), 0);
  EXPECT_EQ(dj::unpack_vector<float>(migrated_position, "likelihood"),
            (std::vector<float>{1, 2, 3}));
  // The ignored job kept its state under the new key.
  const auto jobs = dj::JobTable(opened.table("facemap_inference.FacemapInference")).list();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].status, dj::JobStatus::ignore);
  EXPECT_EQ(jobs[0].key.get<int>("inference_task_id"), 0);
  // DataJoint reads where each key attribute comes from in ~lineage.
  const auto lineage = fmtest::run_psql(
      "SELECT lineage FROM \"" + prefix +
      "facemap_inference\".\"~lineage\" WHERE table_name = "
      "'__facemap_inference__body_part_position' AND attribute_name = 'inference_task_id'");
  EXPECT_EQ(lineage.output,
            prefix + "facemap_inference.facemap_inference_task.inference_task_id\n");

  // The foreign keys hold: a second task for the same recording and model, and idempotence.
  pipeline::InferenceTask second;
  second.recording = recording;
  second.model_id = 1;
  second.mode = "load";
  const std::string refused = error_of([&] { pipeline::add_inference_task(opened, second); });
  EXPECT_NE(refused.find("the next free one is 1"), std::string::npos) << refused;
  second.task_id = 1;
  pipeline::add_inference_task(opened, second);
  EXPECT_EQ(opened.table("facemap_inference.FacemapInferenceTask").count(), 2);
  EXPECT_FALSE(pipeline::migrate_stored_rows(opened).inference_tasks.has_value());
}

}  // namespace
