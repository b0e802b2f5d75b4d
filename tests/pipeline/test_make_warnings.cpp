// What a make could not honour, or a result that deserves a look, is never silent: it is
// logged and kept with the key's job (status 'success', the warnings in error_message), and
// the report shows it. A load-mode file that holds only regions is refused at
// FacemapProcessing with a message saying how to compute its results.

#include <fstream>

#include <gtest/gtest.h>

#include "dj/blob.hpp"
#include "facemap/io/npy.hpp"
#include "facemap/io/proc_settings.hpp"
#include "pipeline/computations.hpp"
#include "pipeline/report.hpp"
#include "pipeline/task_params.hpp"
#include "pipeline/tasks.hpp"
#include "support/synthetic_recordings.hpp"

namespace fs = std::filesystem;

namespace {

class MakeWarnings : public fmtest::SyntheticPipelineTest {
 protected:
  void SetUp() override {
    SyntheticPipelineTest::SetUp();
    const facemap::SynthParams synth = fmtest::small_face(60);
    recording = recordings->add(0, synth, 5);
    pupil = facemap::SyntheticFace(synth).rois().pupil;
  }

  // A FacemapTask row with `params` as given, as a Python user would insert it.
  void insert_task(int task_id, const dj::BlobValue& params, const std::string& mode = "trigger") {
    dj::Row row = recording.project({"subject", "session_datetime", "recording_id"});
    row.set("facemap_task_id", task_id);
    row.set("facemap_output_dir", "");
    row.set("task_mode", mode);
    row.set("facemap_params", dj::to_blob(params));
    row.set("do_mot_svd", true);
    row.set("do_mov_svd", false);
    row.set("task_description", "");
    recordings->pipe.table("facial_behavior_estimation.FacemapTask").insert1(row);
  }

  // The warnings kept for one task in `table`'s job table.
  std::string warnings_of(const std::string& table, int task_id) const {
    std::string found;
    for (const dj::JobInfo& job : recordings->jobs(table).list(dj::JobStatus::success))
      if (job.key.get<int>("facemap_task_id") == task_id) found += job.error_message;
    return found;
  }

  dj::Row recording;
  facemap::Roi pupil;
};

}  // namespace

TEST_F(MakeWarnings, KeysNotUsedAndFailedFitsAreKeptWithTheJobAndShownInTheReport) {
  // Task 1: Facemap's form with a key Facemap does not have, and a pupil whose saturation
  // (1) leaves no pixel darker than it, so that every fit fails.
  facemap::Roi dim = pupil;
  dim.saturation = 1;
  facemap::SvdParams params;
  params.full_frame = false;
  params.rois = {dim};
  dj::BlobValue stored = pipeline::to_facemap_params(params);
  stored.as<dj::BlobDict>().items.emplace_back(dj::BlobValue("smoothing"), 5.0);
  insert_task(1, stored);

  for (const auto& table : {fmtest::kRecordingInfo, fmtest::kProcessing}) {
    const dj::PopulateResult result = recordings->populate(table);
    EXPECT_TRUE(result.errors.empty());
  }
  const dj::PopulateResult signal = recordings->populate(fmtest::kFacialSignal);
  EXPECT_EQ(signal.made, 2);
  ASSERT_EQ(signal.warnings.size(), 1u);
  EXPECT_EQ(signal.warnings[0].first.get<int>("facemap_task_id"), 1);

  EXPECT_EQ(warnings_of(fmtest::kProcessing, 1),
            "warning: facemap_params: smoothing: not one of Facemap's settings; not used");
  const std::string fits = warnings_of(fmtest::kFacialSignal, 1);
  EXPECT_NE(fits.find("warning: pupil region 1 ('pupil', rows 15..33, columns 16..39): "),
            std::string::npos)
      << fits;
  EXPECT_NE(fits.find("the fit failed in 60 of 60 frames (100.0%); check its saturation (1.00)"),
            std::string::npos)
      << fits;
  // The well-made task left nothing: its job rows are gone, as DataJoint leaves them.
  EXPECT_EQ(warnings_of(fmtest::kProcessing, 0), "");
  EXPECT_EQ(warnings_of(fmtest::kFacialSignal, 0), "");
  EXPECT_EQ(recordings->jobs(fmtest::kFacialSignal).progress().warned, 1);

  // The report of the recording shows them beside the task.
  const fs::path folder = recordings->folder / "report";
  pipeline::ReportOptions options;
  options.task_id = 1;
  const pipeline::Report report = pipeline::write_report(
      recordings->pipe, recordings->roots(),
      recording.project({"subject", "session_datetime", "recording_id"}), folder, options);
  std::ifstream page(report.index);
  const std::string html((std::istreambuf_iterator<char>(page)), {});
  EXPECT_NE(html.find("smoothing: not one of Facemap's settings"), std::string::npos);
  EXPECT_NE(html.find("the fit failed in 60 of 60 frames"), std::string::npos);

  // A warned key whose result is deleted is due again: refresh re-pends its kept row.
  dj::Row key = recording;
  key.set("facemap_task_id", 1);
  (recordings->pipe.table(fmtest::kFacialSignal) & key).delete_rows();
  dj::JobTable jobs = recordings->jobs(fmtest::kFacialSignal);
  jobs.refresh({key});
  EXPECT_EQ(jobs.progress().pending, 1);
  EXPECT_EQ(jobs.progress().warned, 0);
}

TEST_F(MakeWarnings, ATaskWithNothingToComputeSaysSo) {
  facemap::SvdParams params;
  params.full_frame = false;
  insert_task(1, pipeline::to_facemap_params(params));
  recordings->populate(fmtest::kRecordingInfo);
  recordings->populate(fmtest::kProcessing);
  EXPECT_NE(warnings_of(fmtest::kProcessing, 1)
                .find("nothing to compute: fullSVD is off and no pupil, motion SVD, blink or "
                      "running region is given"),
            std::string::npos);
}

TEST_F(MakeWarnings, LoadModeRefusesAFileOfRegionsWithoutResults) {
  // What Facemap's GUI saves before processing: settings and regions, no results.
  facemap::ProcSettings settings;
  settings.rois = {pupil};
  facemap::write_npy_object(recordings->raw / "m1/r0/face_proc.npy",
                            facemap::settings_dict(settings));
  insert_task(1, pipeline::to_facemap_params(facemap::SvdParams()), "load");
  recordings->populate(fmtest::kRecordingInfo);
  dj::PopulateOptions options;
  options.suppress_errors = true;
  const dj::PopulateResult result = [&] {
    for (auto& [name, maker] : pipeline::computations(recordings->pipe, recordings->roots()))
      if (name == fmtest::kProcessing) return maker->populate(options);
    return dj::PopulateResult();
  }();
  ASSERT_EQ(result.errors.size(), 1u);
  const std::string& message = result.errors[0].second;
  EXPECT_NE(message.find("face_proc.npy holds 1 region(s) but no results"), std::string::npos)
      << message;
  EXPECT_NE(message.find("--mode trigger --rois-from"), std::string::npos) << message;
  EXPECT_EQ(recordings->count(fmtest::kProcessing), 1);  // task 0 (trigger) only
}
