// make() of RecordingInfo, FacemapProcessing and FacialSignal.

#include <chrono>
#include <ctime>

#include <spdlog/spdlog.h>

#include "dj/blob.hpp"
#include "dj/populate.hpp"
#include "facemap/proc_file.hpp"
#include "facemap/proc_settings.hpp"
#include "facemap/process.hpp"
#include "facemap/version.hpp"
#include "pipeline/facial_behavior_estimation.hpp"
#include "pipeline/task_checks.hpp"
#include "pipeline/task_params.hpp"
#include "proc_file_owner.hpp"

namespace fs = std::filesystem;

namespace pipeline {
namespace {

std::string utc_text(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &parts);
  return buffer;
}

fs::path proc_file_path(const fs::path& folder, const fs::path& first_video) {
  return folder / (first_video.stem().string() + "_proc.npy");
}

dj::Blob array_blob(const dj::NdArray& array) {
  return dj::to_blob(array);
}

dj::Blob index_blob(const std::vector<int>& indices) {
  return array_blob(
      dj::NdArray::from_vector(std::vector<std::int64_t>(indices.begin(), indices.end())));
}

/// A (ly, lx) image from a column of row-major pixels.
dj::Blob mask_blob(const Eigen::MatrixXf& masks, Eigen::Index component, int ly, int lx) {
  const Eigen::VectorXf column = masks.col(component);
  return array_blob(dj::NdArray::from_eigen(
      Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
          column.data(), ly, lx)));
}

/// (nframes, 2, 2) from nframes x 4 (each frame's 2x2 matrix row-major).
dj::Blob axdir_blob(const Eigen::MatrixXd& axdir) {
  const auto n = static_cast<std::uint64_t>(axdir.rows());
  std::vector<double> column_major(n * 4);
  for (std::uint64_t t = 0; t < n; ++t) {
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 2; ++j)
        column_major[t + n * (i + 2 * j)] = axdir(static_cast<Eigen::Index>(t), 2 * i + j);
    }
  }
  return array_blob(dj::NdArray::from_column_major({n, 2, 2}, column_major));
}

dj::Row with(dj::Row row, std::initializer_list<std::pair<std::string, dj::Value>> items) {
  for (const auto& [name, value] : items) row.set(name, value);
  return row;
}

void insert_components(dj::MakeInserter& out, const dj::Table& part, const dj::Row& region_key,
                       const facemap::SvdComponents& svd, const std::string& mask_name) {
  std::vector<dj::Row> rows;
  for (Eigen::Index k = 0; k < svd.masks.cols(); ++k) {
    dj::Row row = with(region_key, {{"component_id", static_cast<int>(k)}});
    row.set("singular_value",
            k < svd.singular_values.size() ? dj::Value(svd.singular_values(k)) : dj::Value());
    row.set(mask_name, mask_blob(svd.masks, k, svd.ly, svd.lx));
    row.set("projection",
            array_blob(dj::NdArray::from_eigen(Eigen::VectorXf(svd.projections.col(k)))));
    rows.push_back(std::move(row));
  }
  out.insert(part, rows);
}

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

/// A pupil whose fit fails in more than this share of frames is probably set up wrongly
/// (saturation, region or reflector), though its trace is stored as computed.
constexpr double kFailedFitShare = 0.05;

void warn_about_fits(const facemap::FacemapResult& result) {
  for (const facemap::PupilTrace& pupil : result.pupils) {
    const Eigen::Index frames = pupil.area.size();
    const Eigen::Index failed = pupil.area.array().isNaN().count();
    if (frames == 0 || failed <= kFailedFitShare * static_cast<double>(frames)) continue;
    const facemap::Roi& roi = result.rois.at(static_cast<std::size_t>(pupil.roi_index));
    dj::warn_in_make(fmt::format(
        "pupil region {} ('{}', rows {}..{}, columns {}..{}): the fit failed in {} of {} frames "
        "({:.1f}%); check its saturation ({:.2f}), region and reflectors",
        pupil.roi_index, roi.name, roi.yrange.front(), roi.yrange.back(), roi.xrange.front(),
        roi.xrange.back(), failed, frames, 100.0 * static_cast<double>(failed) / frames,
        roi.saturation));
  }
}

}  // namespace

RecordingInfoMaker::RecordingInfoMaker(Pipeline& pipe, DataRoots roots)
    : PipelineMaker(pipe, std::move(roots), "facial_behavior_estimation.RecordingInfo") {}

std::vector<dj::Row> RecordingInfoMaker::make_fetch(const dj::Row& key) {
  return (pipe_.table("facial_behavior_estimation.VideoRecording.File") & key).fetch();
}

std::any RecordingInfoMaker::make_compute(const dj::Row& key, const std::vector<dj::Row>&) {
  return facemap::Recording(recording_files(pipe_, roots_, key));
}

void RecordingInfoMaker::make_insert(const dj::Row& key, const std::any& computed,
                                     dj::MakeInserter& out) {
  const auto& recording = std::any_cast<const facemap::Recording&>(computed);
  const auto size = recording.view_sizes().front();
  dj::Row row = with(key, {{"px_height", size.height},
                           {"px_width", size.width},
                           {"nframes", recording.nframes()},
                           {"fps", recording.fps()},
                           {"recording_duration", recording.duration_seconds()}});
  const auto created = recording.creation_time();
  row.set("recording_time", created ? dj::Value(utc_text(*created)) : dj::Value());
  out.insert1(target(), row);
}

FacemapProcessingMaker::FacemapProcessingMaker(Pipeline& pipe, DataRoots roots)
    : PipelineMaker(pipe, std::move(roots), "facial_behavior_estimation.FacemapProcessing") {}

std::vector<dj::Row> FacemapProcessingMaker::make_fetch(const dj::Row& key) {
  auto rows = (pipe_.table("facial_behavior_estimation.FacemapTask") & key).fetch();
  for (auto& file : (pipe_.table("facial_behavior_estimation.VideoRecording.File") & key).fetch()) {
    rows.push_back(std::move(file));
  }
  return rows;
}

std::any FacemapProcessingMaker::make_compute(const dj::Row& key,
                                              const std::vector<dj::Row>& inputs) {
  const dj::Row& task = inputs.front();
  const auto files = recording_files(pipe_, roots_, key);
  const TaskSettings settings =
      read_facemap_params(dj::unpack_blob(task, "facemap_params"), task.get<bool>("do_mot_svd"),
                          task.get<bool>("do_mov_svd"));
  if (task.get<std::string>("task_mode") == "load") {
    check_loadable(proc_file_path(processing_output_dir(pipe_, roots_, key), files.front()),
                   settings);
    return std::string(facemap::version());
  }
  for (const std::string& warning : settings.warnings) dj::warn_in_make(warning);
  warn_about_plan(settings, files);
  const facemap::Recording recording(files);
  // The inputs first, the output folder after: a task that cannot run leaves no folder.
  check_processing_params(settings.params, recording.view_sizes().front());
  const fs::path folder = processing_output_dir(pipe_, roots_, key);
  const fs::path proc_file = proc_file_path(folder, files.front());
  spdlog::info("FacemapProcessing {}: {} frames from {} file(s) -> {}", key.to_display(),
               recording.nframes(), files.size(), proc_file.string());
  std::string last_stage;
  const auto result =
      facemap::process_recording(recording, settings.params, [&](const facemap::Progress& p) {
        dj::check_stop();  // SIGTERM during hours of computing: give the key back promptly
        if (p.stage != last_stage) spdlog::info("  {} ({} units)", p.stage, p.total);
        last_stage = p.stage;
      });
  for (const std::string& warning : result.warnings) dj::warn_in_make(warning);
  fs::create_directories(folder);
  facemap::write_proc_file(proc_file, result);
  return std::string(facemap::version());
}

void FacemapProcessingMaker::make_insert(const dj::Row& key, const std::any& computed,
                                         dj::MakeInserter& out) {
  out.insert1(target(), with(key.project(target().heading().primary_key()),
                             {{"processing_time", utc_text(std::chrono::system_clock::now())},
                              {"package_version", std::any_cast<const std::string&>(computed)}}));
}

FacialSignalMaker::FacialSignalMaker(Pipeline& pipe, DataRoots roots)
    : PipelineMaker(pipe, std::move(roots), "facial_behavior_estimation.FacialSignal") {}

std::vector<dj::Row> FacialSignalMaker::make_fetch(const dj::Row& key) {
  return (pipe_.table("facial_behavior_estimation.FacemapProcessing") & key).fetch();
}

std::any FacialSignalMaker::make_compute(const dj::Row& key, const std::vector<dj::Row>&) {
  const auto files = recording_files(pipe_, roots_, key);
  const fs::path proc_file =
      proc_file_path(processing_output_dir(pipe_, roots_, key), files.front());
  facemap::FacemapResult result = facemap::read_proc_file(proc_file);
  detail::check_proc_file_owner(pipe_, key, files, proc_file, result);
  warn_about_fits(result);
  return result;
}

void FacialSignalMaker::make_insert(const dj::Row& key, const std::any& computed,
                                    dj::MakeInserter& out) {
  const auto& result = std::any_cast<const facemap::FacemapResult&>(computed);
  const std::string schema = "facial_behavior_estimation.FacialSignal.";
  out.insert1(target(), key.project(target().heading().primary_key()));
  const dj::Row master_key = key.project(target().heading().primary_key());
  out.insert1(
      pipe_.table(schema + "Summary"),
      with(master_key, {{"sbin", result.sbin},
                        {"avgframe", array_blob(dj::NdArray::from_eigen(result.avgframe))},
                        {"avgmotion", array_blob(dj::NdArray::from_eigen(result.avgmotion))}}));

  // Regions: the SVD regions keep their numbers (0 = full frame); pupil, blink and running
  // regions follow, numbered in the order of the task's regions.
  std::vector<dj::Row> regions;
  const auto region_row = [&](int roi_no, const facemap::Roi* roi) {
    dj::Row row = with(master_key, {{"roi_no", roi_no}});
    row.set("roi_name", roi ? dj::Value(roi->name.substr(0, 16)) : dj::Value("full frame"));
    row.set("yrange", roi ? dj::Value(index_blob(roi->yrange)) : dj::Value());
    row.set("xrange", roi ? dj::Value(index_blob(roi->xrange)) : dj::Value());
    row.set("yrange_bin",
            roi && !roi->yrange_bin.empty() ? dj::Value(index_blob(roi->yrange_bin)) : dj::Value());
    row.set("xrange_bin",
            roi && !roi->xrange_bin.empty() ? dj::Value(index_blob(roi->xrange_bin)) : dj::Value());
    return row;
  };
  int next_roi_no = 0;
  for (const auto& region : result.svd_regions) {
    dj::Row row = region_row(region.roi_no, region.roi ? &*region.roi : nullptr);
    row.set("motion", array_blob(dj::NdArray::from_eigen(region.motion)));
    regions.push_back(std::move(row));
    next_roi_no = std::max(next_roi_no, region.roi_no + 1);
  }
  std::map<int, int> roi_no_of_index;  // index into result.rois -> roi_no
  for (size_t i = 0; i < result.rois.size(); ++i) {
    if (result.rois[i].type == facemap::RoiType::motion) continue;
    roi_no_of_index[static_cast<int>(i)] = next_roi_no;
    dj::Row row = region_row(next_roi_no++, &result.rois[i]);
    row.set("motion", dj::Value());
    regions.push_back(std::move(row));
  }
  out.insert(pipe_.table(schema + "Region"), regions);

  for (const auto& region : result.svd_regions) {
    const dj::Row region_key = with(master_key, {{"roi_no", region.roi_no}});
    if (region.motion_svd)
      insert_components(out, pipe_.table(schema + "MotionSVD"), region_key, *region.motion_svd,
                        "motmask");
    if (region.movie_svd)
      insert_components(out, pipe_.table(schema + "MovieSVD"), region_key, *region.movie_svd,
                        "movmask");
  }
  for (const auto& pupil : result.pupils) {
    out.insert1(
        pipe_.table(schema + "Pupil"),
        with(master_key, {{"roi_no", roi_no_of_index.at(pupil.roi_index)},
                          {"area", array_blob(dj::NdArray::from_eigen(pupil.area))},
                          {"area_smooth", array_blob(dj::NdArray::from_eigen(pupil.area_smooth))},
                          {"com", array_blob(dj::NdArray::from_eigen(pupil.com))},
                          {"com_smooth", array_blob(dj::NdArray::from_eigen(pupil.com_smooth))},
                          {"axdir", axdir_blob(pupil.axdir)},
                          {"axlen", array_blob(dj::NdArray::from_eigen(pupil.axlen))}}));
  }
  for (const auto& blink : result.blinks) {
    out.insert1(pipe_.table(schema + "Blink"),
                with(master_key, {{"roi_no", roi_no_of_index.at(blink.roi_index)},
                                  {"blink", array_blob(dj::NdArray::from_eigen(blink.blink))}}));
  }
  for (const auto& running : result.running) {
    out.insert1(pipe_.table(schema + "Running"),
                with(master_key, {{"roi_no", roi_no_of_index.at(running.roi_index)},
                                  {"dy", array_blob(dj::NdArray::from_eigen(running.dy))},
                                  {"dx", array_blob(dj::NdArray::from_eigen(running.dx))}}));
  }
}

}  // namespace pipeline
