// FacemapProcessing's make() (facemap_processing.hpp).

#include "pipeline/tables/facemap_processing.hpp"

#include <spdlog/spdlog.h>

#include "facemap/io/proc_file.hpp"
#include "facemap/io/proc_settings.hpp"
#include "facemap/svd/process.hpp"
#include "facemap/version.hpp"
#include "pipeline/tables/columns.hpp"
#include "pipeline/task_checks.hpp"
#include "pipeline/task_params.hpp"
#include "pipeline/task_paths.hpp"
#include "utc_text.hpp"

namespace fs = std::filesystem;

namespace pipeline {
namespace {

constexpr auto kColumns = std::tuple{Column{"processing_time", &ProcessingRun::processing_time},
                                     Column{"package_version", &ProcessingRun::package_version}};

/// Load mode ingests Facemap's results: a file that holds only regions (the GUI's saved
/// settings) has none, and is refused here rather than failing later in FacialSignal.
void check_loadable(const fs::path& proc_file, const TaskSettings& task) {
  if (!fs::exists(proc_file)) {
    throw std::runtime_error("load mode: Facemap's result file " + proc_file.string() +
                             " does not exist");
  }
  const facemap::ProcSettings file = facemap::read_proc_settings(proc_file);
  if (!file.has_results) {
    throw std::runtime_error(
        "load mode: " + proc_file.string() + " holds " + std::to_string(file.rois.size()) +
        " region(s) but no results (no mean images, motion or traces): it is a file of "
        "settings, as Facemap's GUI saves them before processing. To compute its results, "
        "create a trigger-mode task with its regions: fmpipe task processing ... --mode trigger "
        "--rois-from " +
        proc_file.string());
  }
  if (!task.params.rois.empty())
    dj::warn_in_make("load mode: the task's " + std::to_string(task.params.rois.size()) +
                     " region(s) in facemap_params are not used; the regions are those of " +
                     proc_file.string());
}

/// Warnings about what a trigger-mode task will do that it may not mean to.
void warn_about_plan(const TaskSettings& task, const std::vector<fs::path>& files) {
  if (!task.filenames.empty()) {
    std::vector<std::string> names;
    for (const fs::path& file : files) names.push_back(file.filename().string());
    std::vector<std::string> given;
    for (const std::string& name : task.filenames)
      given.push_back(fs::path(name).filename().string());
    if (given != names) {
      std::string text;
      for (const auto& name : given) text += (text.empty() ? "" : ", ") + name;
      dj::warn_in_make("facemap_params: filenames (" + text +
                       ") are not this recording's files; the regions are applied to the "
                       "recording's own files, which must show the same view");
    }
  }
  bool analysed = task.params.full_frame;
  for (std::size_t i = 0; i < task.params.rois.size(); ++i) {
    if (task.params.rois[i].type == facemap::RoiType::keypoint_box) {
      dj::warn_in_make("facemap_params: rois[" + std::to_string(i) +
                       "]: a keypoint bounding box is not used by processing (give it to an "
                       "inference task as its bbox)");
    } else {
      analysed = true;
    }
  }
  if (!analysed)
    dj::warn_in_make(
        "nothing to compute: fullSVD is off and no pupil, motion SVD, blink or "
        "running region is given; FacialSignal will hold the mean images only");
}

ProcessingRun finished_run() {
  return {detail::utc_text(std::chrono::system_clock::now()), std::string(facemap::version())};
}

}  // namespace

fs::path proc_file_path(const fs::path& folder, const fs::path& first_video) {
  return folder / (first_video.stem().string() + "_proc.npy");
}

FacemapProcessing::FacemapProcessing(Pipeline& pipe, DataRoots roots)
    : TableComputation(pipe, std::move(roots), "facial_behavior_estimation.FacemapProcessing") {}

ProcessingInputs FacemapProcessing::fetch(const dj::Row& key) {
  const dj::Row task = (pipe_.table("facial_behavior_estimation.FacemapTask") & key).fetch1();
  ProcessingInputs inputs;
  inputs.key = key.project(target().heading().primary_key());
  inputs.mode = task.get<std::string>("task_mode");
  inputs.facemap_params = task.get<dj::Blob>("facemap_params");
  inputs.motion_svd = task.get<bool>("do_mot_svd");
  inputs.movie_svd = task.get<bool>("do_mov_svd");
  inputs.files = recording_files(pipe_, roots_, key);
  inputs.output_dir = processing_output_dir(pipe_, roots_, key);
  return inputs;
}

ProcessingRun FacemapProcessing::compute(const ProcessingInputs& inputs) {
  const TaskSettings settings = read_facemap_params(dj::unpack_blob(inputs.facemap_params.packed),
                                                    inputs.motion_svd, inputs.movie_svd);
  const fs::path proc_file = proc_file_path(inputs.output_dir, inputs.files.front());
  if (inputs.mode == "load") {
    check_loadable(proc_file, settings);
    return finished_run();
  }
  for (const std::string& warning : settings.warnings) dj::warn_in_make(warning);
  warn_about_plan(settings, inputs.files);
  const facemap::Recording recording(inputs.files);
  // The inputs first, the output folder after: a task that cannot run leaves no folder.
  check_processing_params(settings.params, recording.view_sizes().front());
  prepare_output_folder(inputs.output_dir);
  spdlog::info("FacemapProcessing {}: {} frames from {} file(s) -> {}", inputs.key.to_display(),
               recording.nframes(), inputs.files.size(), proc_file.string());
  std::string last_stage;
  const auto result =
      facemap::process_recording(recording, settings.params, [&](const facemap::Progress& p) {
        dj::check_stop();  // SIGTERM during hours of computing: give the key back promptly
        if (p.stage != last_stage) spdlog::info("  {} ({} units)", p.stage, p.total);
        last_stage = p.stage;
      });
  for (const std::string& warning : result.warnings) dj::warn_in_make(warning);
  facemap::write_proc_file(proc_file, result);
  return finished_run();
}

void FacemapProcessing::insert(const dj::Row& key, const ProcessingRun& run,
                               dj::MakeInserter& out) {
  dj::Row row = key.project(target().heading().primary_key());
  set_columns(row, run, kColumns);
  out.insert1(target(), row);
}

}  // namespace pipeline
