// Reading back which settings produced a trace: `fmpipe task show` prints a processing task's
// sbin, components, SVD switches, mode, folders and regions (and an inference task's model and
// bounding box), and fm_views.task_region shows the same through psql, decoded from the stored
// facemap_params by dj_blob_jsonb, with the regions numbered as FacialSignal numbers them.

#include <cmath>
#include <complex>
#include <limits>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "dj/blob.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/sql_helpers.hpp"
#include "pipeline/task_params.hpp"
#include "pipeline/task_settings.hpp"
#include "pipeline/tasks.hpp"
#include "support/command.hpp"
#include "support/pipeline_test.hpp"

namespace {

/// A bytea literal of a blob, for SQL text.
std::string bytea(const dj::Blob& blob) {
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : blob.packed) {
    hex += digits[c >> 4];
    hex += digits[c & 15];
  }
  return "decode('" + hex + "', 'hex')";
}

class TaskSettings : public fmtest::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    pipe = std::make_unique<pipeline::Pipeline>(*connection, prefix);
    recording = fmtest::ingest_face_recording(*pipe);

    // Task 0: a pupil with saturation and a reflector, then a motion region.
    facemap::Roi pupil = pipeline::rectangle_roi(facemap::RoiType::pupil, 20, 60, 30, 80, 58.5);
    pupil.name = "left eye";
    Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> reflector =
        Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>::Constant(40, 50, false);
    reflector.block(10, 20, 5, 10) = true;  // crop rows 10..14, columns 20..29
    pupil.reflectors.push_back(reflector);
    pipeline::ProcessingTask task;
    task.recording = recording;
    task.params.sbin = 2;
    task.params.components = 40;
    task.params.movie_svd = true;
    task.params.rois = {pupil, pipeline::rectangle_roi(facemap::RoiType::motion, 0, 10, 5, 25)};
    pipeline::add_processing_task(*pipe, task);
    // Task 1: another analysis of the same recording, without regions.
    task.task_id = 1;
    task.mode = "load";
    task.params.sbin = 4;
    task.params.full_frame = true;
    task.params.rois.clear();
    pipeline::add_processing_task(*pipe, task);
  }

  fmtest::CommandResult fmpipe(std::vector<std::string> args) const {
    args.insert(args.begin(), std::string(FMPIPE_BINARY_DIR) + "/fmpipe");
    return fmtest::run_command(
        args, {"DATABASE_URL=" + fmtest::database_url(), "FMPIPE_SCHEMA_PREFIX=" + prefix,
               "FACEMAP_ROOT_DATA_DIR=/data", "FACEMAP_PROCESSED_DATA_DIR=/processed"});
  }

  std::unique_ptr<pipeline::Pipeline> pipe;
  dj::Row recording;
};

constexpr const char* kPupilText =
    "pupil region 'left eye': rows 20..59, columns 30..79, saturation 58.5, 1 reflector(s) "
    "(rows 30..34, columns 50..59)";

TEST_F(TaskSettings, TaskShowPrintsWhatTheTaskAsksFor) {
  dj::Row key = recording;
  key.set("facemap_task_id", 0);
  const pipeline::DataRoots roots({"/data"}, "/processed");
  const pipeline::SettingLines lines = pipeline::processing_task_settings(*pipe, roots, key);
  const pipeline::SettingLines expected = {
      {"mode", "trigger"},
      {"output dir", "(default)"},
      {"output folder", "/processed/m1/s1/facemap_m1_2024-05-06_07-08-09_recording0_task0"},
      {"description", ""},
      {"motion SVD", "yes"},
      {"movie SVD", "yes"},
      {"sbin", "2"},
      {"components", "40"},
      {"full-frame SVD", "yes"},
      {"region 1", kPupilText},
      {"region 2", "motion region 'motion SVD': rows 0..9, columns 5..24"}};
  EXPECT_EQ(lines, expected);

  const auto shown = fmpipe({"task", "show", "processing", "--subject", "m1", "--session",
                             "2024-05-06 07:08:09", "--task-id", "0"});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("processing task {subject: 'm1', session_datetime: '2024-05-06 "
                              "07:08:09', recording_id: 0, facemap_task_id: 0}\n"),
            std::string::npos)
      << shown.output;
  for (const auto& [name, text] : expected) {
    char line[512];
    std::snprintf(line, sizeof line, "  %-16s %s\n", name.c_str(), text.c_str());
    EXPECT_NE(shown.output.find(line), std::string::npos) << line << shown.output;
  }

  const auto missing = fmpipe({"task", "show", "processing", "--subject", "m1", "--session",
                               "2024-05-06 07:08:09", "--task-id", "7"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("no processing task {subject: 'm1'"), std::string::npos)
      << missing.output;
  EXPECT_NE(missing.output.find("facemap_task_id: 7}"), std::string::npos) << missing.output;
}

TEST_F(TaskSettings, TaskShowPrintsAnInferenceTasksModelAndBox) {
  pipe->table("facemap_inference.FacemapModel").insert1({{"model_id", 3}, {"model_name", "mine"}});
  pipe->table("facemap_inference.FacemapModel.BodyPart")
      .insert1({{"model_id", 3}, {"body_part", "paw"}});
  pipeline::InferenceTask task;
  task.recording = recording;
  task.model_id = 3;
  task.task_id = 2;
  task.bbox = std::array<int, 4>{10, 90, 5, 70};
  task.output_dir = "keypoints";
  pipeline::add_inference_task(*pipe, task);
  const auto shown = fmpipe({"task", "show", "inference", "--subject", "m1", "--session",
                             "2024-05-06 07:08:09", "--model-id", "3", "--task-id", "2"});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  for (const char* line :
       {"inference task {subject: 'm1', session_datetime: '2024-05-06 07:08:09', recording_id: "
        "0, model_id: 3, inference_task_id: 2}\n",
        "  mode             trigger\n", "  output dir       keypoints\n",
        "  output folder    /processed/keypoints\n", "  model            3 (mine, 1 body parts)\n",
        "  bbox             [10, 90, 5, 70] (x1, x2, y1, y2 in full-frame pixels)\n"}) {
    EXPECT_NE(shown.output.find(line), std::string::npos) << line << shown.output;
  }
}

TEST_F(TaskSettings, TheViewShowsEachRegionsSettingsAsFacialSignalNumbersThem) {
  pipeline::install_sql_helpers(*pipe);
  const auto rows = fmtest::run_psql(
      "SELECT facemap_task_id, task_mode, sbin, components, full_frame_svd, motion_svd, "
      "movie_svd, roi_no, roi_type, roi_name, first_row, last_row, first_column, last_column, "
      "saturation, reflectors, reflector_extents FROM \"" +
      prefix + "views\".task_region ORDER BY facemap_task_id, roi_no");
  ASSERT_EQ(rows.exit_code, 0) << rows.output;
  EXPECT_EQ(rows.output,
            "0|trigger|2|40|t|t|t|1|pupil|left eye|20|59|30|79|58.5|1|rows 30..34, columns "
            "50..59\n"
            "0|trigger|2|40|t|t|t|2|motion|motion SVD|0|9|5|24|0|0|\n"
            "1|load|4|40|t|t|t|||||||||0|\n");
}

TEST_F(TaskSettings, PythonValuesOfABlobReadAsJson) {
  pipeline::install_sql_helpers(*pipe);
  dj::BlobDict dict;
  const auto add = [&](const char* key, dj::BlobValue value) {
    dict.items.emplace_back(dj::BlobValue(key), std::move(value));
  };
  add("int", std::int64_t{5});
  add("negative", std::int64_t{-300});
  add("big", std::int64_t{1} << 40);
  add("float", 2.5);
  add("nan", std::numeric_limits<double>::quiet_NaN());
  add("text", std::string("Pupil région"));
  add("flag", true);
  add("none", dj::BlobValue());
  add("list", dj::BlobList{{std::int64_t{1}, std::string("x")}});
  add("tuple", dj::BlobTuple{{255.0, 0.0}});
  add("vector", dj::ColumnMajorArray::from_vector(std::vector<std::int32_t>{3, 4, 5}));
  add("scalar", dj::ColumnMajorArray::scalar(7.5f));
  Eigen::MatrixXd matrix(2, 3);
  matrix << 1, 2, 3, 4, 5, 6;
  add("matrix", dj::ColumnMajorArray::from_eigen(matrix));
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> mask(1, 2);
  mask << true, false;
  add("mask", dj::ColumnMajorArray::from_eigen(mask));
  // Long enough to be stored compressed.
  add("long", dj::ColumnMajorArray::from_vector(std::vector<double>(300, 0.25)));
  const dj::Blob blob = dj::to_blob(dj::BlobValue(dict));
  ASSERT_EQ(blob.packed.substr(0, 5), std::string("ZL123", 5));
  const auto decoded =
      fmtest::run_psql("SELECT \"" + prefix + "views\".dj_blob_jsonb(" + bytea(blob) + ")");
  ASSERT_EQ(decoded.exit_code, 0) << decoded.output;
  const nlohmann::json json = nlohmann::json::parse(decoded.output);
  nlohmann::json expected = {{"int", 5},
                             {"negative", -300},
                             {"big", 1LL << 40},
                             {"float", 2.5},
                             {"nan", nullptr},
                             {"text", "Pupil région"},
                             {"flag", true},
                             {"none", nullptr},
                             {"list", {1, "x"}},
                             {"tuple", {255, 0}},
                             {"vector", {3, 4, 5}},
                             {"scalar", 7.5},
                             {"matrix", {{"shape", {2, 3}}, {"column_major", {1, 4, 2, 5, 3, 6}}}},
                             {"mask", {true, false}}};
  expected["long"] = std::vector<double>(300, 0.25);
  EXPECT_EQ(json, expected) << json.dump();

  const auto not_json =
      fmtest::run_psql("SELECT \"" + prefix + "views\".dj_blob_jsonb(" +
                       bytea(dj::to_blob(dj::BlobValue(std::complex<double>(1, 2)))) + ")");
  EXPECT_NE(not_json.exit_code, 0);
  EXPECT_NE(not_json.output.find("cannot read a value of type code 0x0c"), std::string::npos)
      << not_json.output;
}

}  // namespace
