// FacemapTask.facemap_params in Facemap's own form: every key Facemap's GUI writes is read with
// Facemap's meaning, keys that are not used are named in warnings, values that cannot be
// honoured are errors naming the key, and rows stored in the old form are migrated.

#include <gtest/gtest.h>

#include "dj/blob.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/migrations.hpp"
#include "pipeline/task_params.hpp"
#include "pipeline/tasks.hpp"
#include "support/pipeline_test.hpp"

namespace {

using BoolArray = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;

dj::ColumnMajorArray int32_range(int first, int last) {
  std::vector<std::int32_t> values;
  for (int i = first; i <= last; ++i) values.push_back(i);
  return dj::ColumnMajorArray::from_vector(values);
}

BoolArray all_true(int rows, int cols) {
  return BoolArray::Constant(rows, cols, true);
}

dj::BlobDict dict(std::initializer_list<std::pair<const char*, dj::BlobValue>> items) {
  dj::BlobDict d;
  for (const auto& [key, value] : items) d.items.emplace_back(dj::BlobValue(key), value);
  return d;
}

// A pupil region as Facemap's GUI saves it (and as a Python user inserts it): rows 20..59,
// columns 30..79 (inclusive), one reflector at crop rows 10..14, columns 20..29.
dj::BlobDict gui_pupil(std::optional<double> saturation = 58.65) {
  BoolArray reflector = all_true(5, 10);
  reflector(0, 0) = false;  // the reflector's own ellipse, not its box
  dj::BlobDict roi = dict({{"rind", std::int64_t{0}},
                           {"rtype", "Pupil"},
                           {"iROI", std::int64_t{0}},
                           {"ivid", std::int64_t{0}},
                           {"color", dj::BlobTuple{{0.0, 200.0, 50.0}}},
                           {"yrange", int32_range(20, 59)},
                           {"xrange", int32_range(30, 79)},
                           {"pupil_sigma", 2.5},
                           {"ellipse", dj::ColumnMajorArray::from_eigen(all_true(40, 50))},
                           {"reflector", dj::BlobList{{dict({
                                             {"yrange", int32_range(10, 14)},
                                             {"xrange", int32_range(20, 29)},
                                             {"ellipse", dj::ColumnMajorArray::from_eigen(reflector)},
                                         })}}}});
  if (saturation) roi.items.emplace_back(dj::BlobValue("saturation"), *saturation);
  return roi;
}

dj::BlobDict gui_params(dj::BlobList rois) {
  return dict({{"sbin", std::int64_t{2}},
               {"fullSVD", false},
               {"save_mat", false},
               {"sy", dj::ColumnMajorArray::from_vector(std::vector<std::int64_t>{0})},
               {"sx", dj::ColumnMajorArray::from_vector(std::vector<std::int64_t>{0})},
               {"filenames", dj::BlobList{{dj::BlobList{{"face.mp4"}}}}},
               {"rois", std::move(rois)}});
}

std::string error_of(const dj::BlobValue& params) {
  try {
    pipeline::read_facemap_params(params, true, false);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(FacemapParams, FacemapsOwnKeysAreReadWithFacemapsMeaning) {
  const auto task =
      pipeline::read_facemap_params(gui_params(dj::BlobList{{gui_pupil()}}), true, false);
  EXPECT_TRUE(task.warnings.empty()) << task.warnings.front();
  EXPECT_EQ(task.params.sbin, 2);
  EXPECT_FALSE(task.params.full_frame);
  EXPECT_EQ(task.filenames, std::vector<std::string>{"face.mp4"});
  ASSERT_EQ(task.params.rois.size(), 1u);
  const facemap::Roi& roi = task.params.rois.front();
  EXPECT_EQ(roi.type, facemap::RoiType::pupil);
  EXPECT_EQ(roi.name, "Pupil");
  // Inclusive ranges: 20..59 is 40 rows.
  ASSERT_EQ(roi.yrange.size(), 40u);
  EXPECT_EQ(roi.yrange.front(), 20);
  EXPECT_EQ(roi.xrange.back(), 79);
  EXPECT_DOUBLE_EQ(roi.saturation, 58.65);
  EXPECT_DOUBLE_EQ(roi.pupil_sigma, 2.5);
  EXPECT_EQ(roi.ellipse.rows(), 40);
  // The reflector, relative to the crop: its ellipse's 49 pixels at crop rows 10..14, columns
  // 20..29, and nothing elsewhere.
  ASSERT_EQ(roi.reflectors.size(), 1u);
  const BoolArray& mask = roi.reflectors.front();
  EXPECT_EQ(mask.rows(), 40);
  EXPECT_EQ(mask.cols(), 50);
  EXPECT_EQ(mask.count(), 49);
  EXPECT_FALSE(mask(10, 20));
  EXPECT_TRUE(mask(10, 21));
  EXPECT_TRUE(mask(14, 29));
  EXPECT_FALSE(mask(15, 29));
  EXPECT_FALSE(mask(14, 30));
}

TEST(FacemapParams, OurOwnTasksAreStoredInFacemapsForm) {
  facemap::SvdParams params;
  facemap::Roi pupil = pipeline::rectangle_roi(facemap::RoiType::pupil, 20, 60, 30, 80, 90);
  BoolArray reflector = BoolArray::Constant(40, 50, false);
  reflector.block(10, 20, 5, 10) = true;
  pupil.reflectors.push_back(reflector);
  params.rois = {pupil};
  const dj::BlobValue stored = pipeline::to_facemap_params(params);
  const auto& region = stored.as<dj::BlobDict>().at("rois").as<dj::BlobList>().items.front();
  const auto& fields = region.as<dj::BlobDict>();
  std::vector<std::string> keys;
  for (const auto& [key, value] : fields.items) keys.push_back(key.as<std::string>());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"rind", "rtype", "iROI", "ivid", "color", "yrange", "xrange",
                                      "saturation", "ellipse", "pupil_sigma", "reflector"}));
  const auto& written = fields.at("reflector").as<dj::BlobList>().items.front().as<dj::BlobDict>();
  EXPECT_EQ(written.at("yrange").as<dj::ColumnMajorArray>().to_vector<std::int32_t>(),
            (std::vector<std::int32_t>{10, 11, 12, 13, 14}));
  const auto back = pipeline::read_facemap_params(stored, true, false);
  EXPECT_TRUE(back.warnings.empty());
  ASSERT_EQ(back.params.rois.size(), 1u);
  EXPECT_TRUE((back.params.rois.front().reflectors.front() == reflector).all());
  EXPECT_EQ(back.params.rois.front().yrange, pupil.yrange);
}

TEST(FacemapParams, KeysThatAreNotUsedAreNamedInWarnings) {
  dj::BlobDict roi = gui_pupil();
  roi.items.emplace_back(dj::BlobValue("threshold"), 3.0);
  dj::BlobDict blink = gui_pupil();
  blink.items.front().second = std::int64_t{2};  // rind 2: a blink region with a reflector
  dj::BlobDict params = gui_params(dj::BlobList{{roi, blink}});
  params.items.emplace_back(dj::BlobValue("save_mat"), true);
  params.items.emplace_back(dj::BlobValue("smoothing"), 5.0);
  const auto task = pipeline::read_facemap_params(params, true, false);
  std::string all;
  for (const auto& warning : task.warnings) all += warning + "\n";
  EXPECT_EQ(task.warnings.size(), 4u) << all;
  EXPECT_NE(all.find("rois[0].threshold: not one of Facemap's region keys"), std::string::npos);
  EXPECT_NE(all.find("rois[1].reflector: not used (only pupil regions have reflectors)"),
            std::string::npos);
  EXPECT_NE(all.find("save_mat: not used"), std::string::npos);
  EXPECT_NE(all.find("smoothing: not one of Facemap's settings"), std::string::npos);
}

TEST(FacemapParams, ValuesThatCannotBeHonouredAreErrorsNamingTheKey) {
  EXPECT_NE(error_of(gui_params(dj::BlobList{{gui_pupil(std::nullopt)}}))
                .find("facemap_params: rois[0].saturation: missing: a pupil region needs"),
            std::string::npos);
  EXPECT_NE(error_of(gui_params(dj::BlobList{{gui_pupil(0.0)}}))
                .find("rois[0].saturation: must be above 0 and at most 255, not 0"),
            std::string::npos);

  dj::BlobDict old_key = gui_pupil();
  old_key.items.emplace_back(dj::BlobValue("reflectors"),
                             dj::BlobList{{dj::ColumnMajorArray::from_eigen(all_true(40, 50))}});
  EXPECT_NE(error_of(gui_params(dj::BlobList{{old_key}}))
                .find("rois[0].reflectors: is not one of Facemap's keys: Facemap's reflectors "
                      "are 'reflector'"),
            std::string::npos);

  dj::BlobDict outside = gui_pupil();
  for (auto& [key, value] : outside.items)
    if (key.as<std::string>() == "reflector")
      value = dj::BlobList{{dict({{"yrange", int32_range(38, 42)},
                                  {"xrange", int32_range(20, 29)},
                                  {"ellipse", dj::ColumnMajorArray::from_eigen(all_true(5, 10))}})}};
  EXPECT_NE(error_of(gui_params(dj::BlobList{{outside}}))
                .find("rois[0].reflector[0].yrange: rows 38..42 lie outside the region's crop "
                      "of 40 rows"),
            std::string::npos);

  dj::BlobDict wrong_ellipse = gui_pupil();
  for (auto& [key, value] : wrong_ellipse.items)
    if (key.as<std::string>() == "ellipse") value = dj::ColumnMajorArray::from_eigen(all_true(39, 50));
  EXPECT_NE(error_of(gui_params(dj::BlobList{{wrong_ellipse}}))
                .find("rois[0].ellipse: is a (39, 50) array, its ranges give (40, 50)"),
            std::string::npos)
      << error_of(gui_params(dj::BlobList{{wrong_ellipse}}));

  dj::BlobDict gap = gui_pupil();
  for (auto& [key, value] : gap.items)
    if (key.as<std::string>() == "yrange")
      value = dj::ColumnMajorArray::from_vector(std::vector<std::int32_t>{20, 21, 23});
  EXPECT_NE(error_of(gui_params(dj::BlobList{{gap}}))
                .find("rois[0].yrange: indices must be consecutive and ascending (21 is followed "
                      "by 23)"),
            std::string::npos);

  dj::BlobDict bad_type = gui_pupil();
  bad_type.items.front().second = std::int64_t{7};
  EXPECT_NE(error_of(gui_params(dj::BlobList{{bad_type}})).find("rois[0].rind: must be 0 to 4"),
            std::string::npos);
  EXPECT_NE(error_of(dict({{"sbin", std::int64_t{0}}}))
                .find("facemap_params: sbin: must be at "
                      "least 1"),
            std::string::npos);
}

class FacemapParamsMigration : public fmtest::PipelineTest {};

TEST_F(FacemapParamsMigration, RowsInTheOldFormAreRewrittenInFacemapsForm) {
  pipeline::Pipeline pipe(*connection, prefix);
  const pipeline::RecordingEntry recording{
      "m1", "M",       "2024-01-01",      "", "2024-05-06 07:08:09", "m1/s1",
      0,    "camera0", {"m1/s1/face.avi"}};
  pipeline::ingest(pipe, {recording});
  // A task stored by an earlier version: the region's `name` and crop-sized `reflectors`.
  BoolArray reflector = BoolArray::Constant(5, 50, false);
  reflector.block(1, 20, 3, 10) = true;
  const dj::BlobDict old_roi =
      dict({{"rind", std::int64_t{0}},
            {"rtype", "Pupil"},
            {"name", "left eye"},
            {"ivid", std::int64_t{0}},
            {"yrange", dj::ColumnMajorArray::from_vector(std::vector<std::int64_t>{20, 21, 22, 23, 24})},
            {"xrange", int32_range(30, 79)},
            {"saturation", 90.0},
            {"pupil_sigma", 2.0},
            {"reflectors", dj::BlobList{{dj::ColumnMajorArray::from_eigen(reflector)}}}});
  dj::Row row = pipeline::recording_key(recording);
  row.set("facemap_task_id", 0);
  row.set("facemap_output_dir", "");
  row.set("task_mode", "trigger");
  row.set("facemap_params",
          dj::to_blob(dict({{"sbin", std::int64_t{4}}, {"rois", dj::BlobList{{old_roi}}}})));
  row.set("do_mot_svd", true);
  row.set("do_mov_svd", false);
  row.set("task_description", "");
  const dj::Table tasks = pipe.table("facial_behavior_estimation.FacemapTask");
  tasks.insert1(row);
  EXPECT_NE(error_of(dj::unpack_blob(tasks.fetch1(), "facemap_params")).find("fmpipe init"),
            std::string::npos);

  EXPECT_EQ(pipeline::migrate_stored_rows(pipe).facemap_tasks, 1);
  const dj::BlobValue migrated = dj::unpack_blob(tasks.fetch1(), "facemap_params");
  const auto& region =
      migrated.as<dj::BlobDict>().at("rois").as<dj::BlobList>().items.front().as<dj::BlobDict>();
  EXPECT_EQ(region.at("rtype").as<std::string>(), "left eye");
  EXPECT_THROW(region.at("reflectors"), std::out_of_range);
  EXPECT_THROW(region.at("name"), std::out_of_range);
  const auto task = pipeline::read_facemap_params(migrated, true, false);
  EXPECT_TRUE(task.warnings.empty());
  const facemap::Roi& roi = task.params.rois.front();
  EXPECT_EQ(roi.name, "left eye");
  EXPECT_DOUBLE_EQ(roi.saturation, 90.0);
  ASSERT_EQ(roi.reflectors.size(), 1u);
  EXPECT_TRUE((roi.reflectors.front() == reflector).all());
  // Idempotent: a second run finds nothing to change.
  EXPECT_EQ(pipeline::migrate_stored_rows(pipe).facemap_tasks, 0);
}

TEST_F(FacemapParamsMigration, TasksThatProcessingCannotHonourAreRefusedWhenCreated) {
  pipeline::Pipeline pipe(*connection, prefix);
  const pipeline::RecordingEntry recording{
      "m1", "M",       "2024-01-01",      "", "2024-05-06 07:08:09", "m1/s1",
      0,    "camera0", {"m1/s1/face.avi"}};
  pipeline::ingest(pipe, {recording});
  pipeline::ProcessingTask task;
  task.recording = pipeline::recording_key(recording);
  task.params.rois = {pipeline::rectangle_roi(facemap::RoiType::blink, 20, 60, 30, 80)};
  try {
    pipeline::add_processing_task(pipe, task);
    ADD_FAILURE() << "a blink region without saturation was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("rois[0].saturation: must be above 0"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(pipe.table("facial_behavior_estimation.FacemapTask").count(), 0);
}
