#include "pipeline/report.hpp"

#include <functional>
#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "dj/blob.hpp"
#include "dj/jobs.hpp"
#include "facemap/roi/region_crop.hpp"
#include "facemap/figures/report_figures.hpp"
#include "facemap/video/video.hpp"
#include "pipeline/computations.hpp"
#include "pipeline/task_paths.hpp"
#include "pipeline/tables.hpp"
#include "pipeline/task_params.hpp"
#include "pipeline/task_settings.hpp"
#include "report_page.hpp"

namespace fs = std::filesystem;

namespace pipeline {
namespace {

using Lines = SettingLines;

const std::string kSvd = "facial_behavior_estimation.";

/// The warnings its make left for `key` in the job table of `table` (JobTable::complete).
std::vector<std::string> job_warnings(const Pipeline& pipe, const std::string& table,
                                      const dj::Row& key) {
  const dj::JobTable jobs(pipe.table(table));
  const std::string wanted = key.project(jobs.target().heading().primary_key()).to_display();
  std::vector<std::string> warnings;
  for (const dj::JobInfo& job : jobs.list(dj::JobStatus::success))
    if (job.key.to_display() == wanted && !job.error_message.empty())
      warnings.push_back(job.error_message);
  return warnings;
}
const std::string kPose = "facemap_inference.";

std::string text_of(const dj::Value& value) {
  if (value.is_null()) return "(none)";
  if (value.holds<std::string>()) return value.as<std::string>();
  return value.to_display();
}

// Appends the attributes of `row` not shown yet (blobs are figures' business, not lines').
void add_attributes(Lines& lines, const dj::Row& row, std::set<std::string>& shown) {
  for (const auto& name : row.names()) {
    if (row[name].holds<dj::Blob>() || !shown.insert(name).second) continue;
    lines.emplace_back(name, text_of(row[name]));
  }
}

// The database keeps a region's rectangle, not its ellipse, reflectors or saturation: those
// come from the task's parameters, matched by type and rectangle (a task in load mode may have
// none, and its regions are then drawn from their rectangles alone).
void complete_regions(facemap::FacemapResult& result, const facemap::SvdParams& params) {
  for (facemap::Roi& roi : result.rois) {
    for (const facemap::Roi& given : params.rois) {
      if (given.type != roi.type || given.yrange != roi.yrange || given.xrange != roi.xrange)
        continue;
      roi.view = given.view;
      roi.saturation = given.saturation;
      roi.ellipse = given.ellipse;
      roi.reflectors = given.reflectors;
      break;
    }
  }
}

class ReportWriter {
 public:
  ReportWriter(const Pipeline& pipe, const DataRoots& roots, dj::Row recording, fs::path folder,
               ReportOptions options)
      : pipe_(pipe),
        roots_(roots),
        recording_(std::move(recording)),
        folder_(std::move(folder)),
        options_(std::move(options)),
        page_(title()) {}

  Report write() {
    fs::create_directories(folder_);
    recording_section();
    page_.heading("SVD analysis");
    const auto signals = keys(kSvd + "FacialSignal", "facemap_task_id", options_.task_id);
    if (signals.empty())
      note("No SVD analysis: FacialSignal has no row for this recording" + task_filter_text() +
           ".");
    for (const dj::Row& key : signals) processing_section(key);
    page_.heading("Keypoints");
    const auto inferences = keys(kPose + "FacemapInference", "model_id", options_.model_id);
    if (inferences.empty())
      note("No keypoints: FacemapInference has no row for this recording" + model_filter_text() +
           ".");
    for (const dj::Row& key : inferences) keypoint_section(key);
    report_.index = folder_ / "index.html";
    page_.write(report_.index);
    spdlog::info("report of {}: {} figures, {} notes in {}", recording_.to_display(),
                 report_.figures.size(), report_.notes.size(), folder_.string());
    return report_;
  }

 private:
  // "subject m1, session 2024-05-06 07:08:09" for the pipeline's own Session; the lab's
  // Session's key attributes by name when linked.
  std::string title() const {
    std::string title = "Facemap report: ";
    for (const auto& name : pipe_.session_key()) {
      const std::string shown = pipe_.linked() || name != "session_datetime" ? name : "session";
      title += shown + " " + text_of(recording_[name]) + ", ";
    }
    return title + "recording " + text_of(recording_["recording_id"]);
  }
  std::string task_filter_text() const {
    return options_.task_id ? " and task " + std::to_string(*options_.task_id) : "";
  }
  std::string model_filter_text() const {
    return options_.model_id ? " and model " + std::to_string(*options_.model_id) : "";
  }

  // Keys of `table` for the recording, ordered by `order`, only `only` when given.
  std::vector<dj::Row> keys(const std::string& table, const std::string& order,
                            const std::optional<int>& only) const {
    dj::Query query = pipe_.table(table) & recording_;
    if (only) query = query & dj::Row{{order, *only}};
    dj::FetchOptions options;
    options.attributes = pipe_.table(table).heading().primary_key();
    options.order_by = {order};
    return query.fetch(options);
  }

  // The rows of `table` for `key` (none or one for the tables used here).
  std::vector<dj::Row> rows(const std::string& table, const dj::Row& key) const {
    return (pipe_.table(table) & key).fetch();
  }

  void recording_section() {
    page_.heading("Recording");
    Lines lines;
    std::set<std::string> shown;
    std::vector<dj::Table> tables;
    if (pipe_.subject_table()) tables.push_back(*pipe_.subject_table());
    tables.push_back(pipe_.session_table());
    if (!pipe_.linked()) tables.push_back(pipe_.table("session.SessionDirectory"));
    tables.push_back(pipe_.table(kSvd + "VideoRecording"));
    for (const auto& table : tables) {
      for (const auto& row : (table & recording_).fetch())
        add_attributes(lines, row, shown);
    }
    dj::FetchOptions by_id;
    by_id.order_by = {"file_id"};
    for (const auto& file : (pipe_.table(kSvd + "VideoRecording.File") & recording_).fetch(by_id))
      lines.emplace_back("file " + text_of(file["file_id"]), text_of(file["file_path"]));
    const auto info = rows(kSvd + "RecordingInfo", recording_);
    for (const auto& row : info) add_attributes(lines, row, shown);
    page_.table(lines);
    if (info.empty()) note("RecordingInfo has no row for this recording yet (frames, fps, size).");
  }

  void processing_section(const dj::Row& key) {
    const std::string task_id = text_of(key["facemap_task_id"]);
    const dj::Row task = (pipe_.table(kSvd + "FacemapTask") & key).fetch1();
    Lines lines;
    std::set<std::string> shown(recording_.names().begin(), recording_.names().end());
    add_attributes(lines, task, shown);
    for (const auto& row : rows(kSvd + "FacemapProcessing", key)) add_attributes(lines, row, shown);
    const facemap::SvdParams params =
        from_facemap_params(dj::unpack_blob(task, "facemap_params"), task.get<bool>("do_mot_svd"),
                            task.get<bool>("do_mov_svd"));
    const Lines settings = svd_settings(params);
    lines.insert(lines.end(), settings.begin(), settings.end());
    for (const char* table : {"FacemapProcessing", "FacialSignal"})
      for (const std::string& warning : job_warnings(pipe_, kSvd + table, key))
        lines.emplace_back(std::string("warnings of ") + table, warning);
    page_.table(lines);

    facemap::FacemapResult result = fetch_facial_signal(pipe_, key);
    complete_regions(result, params);
    const std::string prefix = "task" + task_id + "_", of_task = " (task " + task_id + ")";
    figure(prefix + "regions.png", "Average frame with the regions" + of_task,
           [&](const fs::path& png, const std::string& title) {
             facemap::write_regions_figure(png, title, result);
           });
    svd_figures(result, prefix, of_task);
    region_figures(result.pupils, "pupil", result, prefix, of_task,
                   facemap::write_pupil_traces_figure);
    region_figures(result.blinks, "blink", result, prefix, of_task, facemap::write_blink_figure);
    region_figures(result.running, "running", result, prefix, of_task,
                   facemap::write_running_figure);
  }

  void svd_figures(const facemap::FacemapResult& result, const std::string& prefix,
                   const std::string& of_task) {
    bool any = false;
    for (const facemap::SvdRegion& region : result.svd_regions) {
      if (!region.motion_svd) continue;
      any = true;
      const int number = region_number(result, region);
      const std::string name = (region.roi ? facemap::region_label(*region.roi) : "full frame") +
                               " (region " + std::to_string(number) + ")";
      const std::string file = prefix + "region" + std::to_string(number) + "_motion_";
      figure(file + "masks.png", "First motion masks, " + name + of_task,
             [&](const fs::path& png, const std::string& title) {
               facemap::write_svd_masks_figure(png, title, *region.motion_svd, options_.components);
             });
      figure(file + "svd.png", "First motion SVD traces, " + name + of_task,
             [&](const fs::path& png, const std::string& title) {
               facemap::write_svd_traces_figure(png, title, *region.motion_svd,
                                                options_.components);
             });
    }
    if (!any) note("No motion SVD" + of_task + ": the task does not compute it (do_mot_svd).");
  }

  // A figure per trace of one type of region (`type`: pupil, blink or running), or a note when
  // the task has no such region.
  template <class Trace, class Draw>
  void region_figures(const std::vector<Trace>& traces, const std::string& type,
                      const facemap::FacemapResult& result, const std::string& prefix,
                      const std::string& of_task, Draw draw) {
    if (traces.empty()) note("No " + type + " region" + of_task + ".");
    for (const Trace& trace : traces) {
      const auto index = static_cast<size_t>(trace.roi_index);
      const std::string number = std::to_string(region_number(index));
      figure(prefix + "region" + number + "_" + type + ".png",
             facemap::region_label(result.rois.at(index)) + " (region " + number + ")" + of_task,
             [&](const fs::path& png, const std::string& title) { draw(png, title, trace); });
    }
  }

  void keypoint_section(const dj::Row& key) {
    const std::string model_id = text_of(key["model_id"]);
    const std::string task_id = text_of(key["inference_task_id"]);
    Lines lines;
    std::set<std::string> shown(recording_.names().begin(), recording_.names().end());
    for (const char* table : {"FacemapModel", "FacemapInferenceTask", "FacemapInference"}) {
      for (const auto& row : rows(kPose + table, key)) add_attributes(lines, row, shown);
    }
    page_.table(lines);
    const facemap::PoseTracks tracks = fetch_keypoints(pipe_, key);
    const std::string prefix = "model" + model_id + "_task" + task_id + "_",
                      of_model = " (model " + model_id + ", inference task " + task_id + ")";
    const int shown_frame = int(tracks.x.rows() / 2);
    facemap::GrayFrame frame;
    try {
      frame = video_frame(shown_frame);
    } catch (const std::exception& e) {
      note("The keypoints are not drawn over a frame" + of_model +
           ": the video cannot be read: " + e.what());
    }
    if (frame.size()) {
      figure(prefix + "keypoints_frame.png",
             "Keypoints of frame " + std::to_string(shown_frame) + of_model,
             [&](const fs::path& png, const std::string& title) {
               facemap::write_keypoints_frame_figure(png, title, frame, tracks, shown_frame);
             });
    }
    figure(prefix + "keypoint_traces.png", "Keypoint positions" + of_model,
           [&](const fs::path& png, const std::string& title) {
             facemap::write_keypoint_traces_figure(png, title, tracks);
           });
  }

  // Frame `index` of the recording's first view.
  facemap::GrayFrame video_frame(int index) const {
    const facemap::Recording video(recording_files(pipe_, roots_, recording_));
    facemap::GrayFrame frame;
    video.read(index, 1, [&](const facemap::FrameBatch& batch) { frame = batch.views[0][0]; });
    return frame;
  }

  // Draws a figure into <folder>/<file>, titled with its caption, and shows it on the page.
  void figure(const std::string& file, const std::string& caption,
              const std::function<void(const fs::path&, const std::string&)>& draw) {
    const fs::path png = folder_ / file;
    draw(png, caption);
    page_.figure(file, caption);
    report_.figures.push_back(png);
  }

  void note(const std::string& text) {
    page_.note(text);
    report_.notes.push_back(text);
  }

  const Pipeline& pipe_;
  const DataRoots& roots_;
  dj::Row recording_;
  fs::path folder_;
  ReportOptions options_;
  detail::ReportPage page_;
  Report report_;
};

}  // namespace

Report write_report(const Pipeline& pipe, const DataRoots& roots, const dj::Row& recording,
                    const fs::path& folder, const ReportOptions& options) {
  const std::string table = "facial_behavior_estimation.VideoRecording";
  const auto primary_key = pipe.table(table).heading().primary_key();
  const dj::Row key = recording.project(primary_key);
  if (key.size() != primary_key.size()) {
    std::string names;
    for (const auto& name : primary_key) names += (names.empty() ? "" : ", ") + name;
    throw std::invalid_argument("report: " + recording.to_display() + " is not a recording's key (" +
                                names + ")");
  }
  if (!(pipe.table(table) & key).exists())
    throw std::invalid_argument("report: no VideoRecording " + key.to_display());
  return ReportWriter(pipe, roots, key, folder, options).write();
}

}  // namespace pipeline
