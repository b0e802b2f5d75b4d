// fmpipe export: one recording's results as Facemap's own files (a _proc.npy Facemap's GUI
// opens, a _FacemapPose.h5) and as CSV tables of the traces, each file named after its task's
// whole key (pipeline/task_paths.hpp), as trigger mode names its folders.

#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string_view>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "facemap/io/partial_file.hpp"
#include "facemap/io/pose_h5.hpp"
#include "facemap/io/proc_file.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/tables.hpp"
#include "pipeline/task_paths.hpp"
#include "recording_options.hpp"

namespace fs = std::filesystem;

namespace fmpipe::cli {
namespace {

/// The frame index and its time in seconds, then one column per trace; one row per frame. Times
/// are frame / fps: RecordingInfo keeps the recording's fps, not each frame's timestamp, and
/// the analyses number frames one per index at a variable frame rate too (facemap/video).
void write_csv(const fs::path& path, double fps,
               const std::vector<std::pair<std::string, Eigen::VectorXd>>& columns) {
  facemap::PartialFile partial(path);
  std::ofstream out(partial.path());
  out << "frame,time";
  for (const auto& column : columns) out << "," << column.first;
  out << "\n";
  const Eigen::Index rows = columns.empty() ? 0 : columns.front().second.size();
  std::array<char, 32> time;
  for (Eigen::Index t = 0; t < rows; ++t) {
    // The shortest text that reads back as the same double: frame 3 at 30 fps is "0.1".
    const auto end =
        std::to_chars(time.data(), time.data() + time.size(), static_cast<double>(t) / fps).ptr;
    out << t << "," << std::string_view(time.data(), end - time.data());
    for (const auto& column : columns) out << "," << column.second(t);
    out << "\n";
  }
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
  partial.commit();
  std::cout << "wrote " << path.string() << "\n";
}

void export_signal(const facemap::FacemapResult& result, double fps, const fs::path& folder,
                   const std::string& stem) {
  facemap::write_proc_file(folder / (stem + "_proc.npy"), result);
  std::cout << "wrote " << (folder / (stem + "_proc.npy")).string() << "\n";
  std::vector<std::pair<std::string, Eigen::VectorXd>> columns;
  for (const auto& region : result.svd_regions) {
    const std::string name = "roi" + std::to_string(pipeline::region_number(result, region));
    if (region.motion.size()) columns.emplace_back(name + "_motion", region.motion.cast<double>());
    if (region.motion_svd) {
      for (Eigen::Index k = 0;
           k < std::min<Eigen::Index>(10, region.motion_svd->projections.cols()); ++k) {
        columns.emplace_back(name + "_motsvd" + std::to_string(k),
                             region.motion_svd->projections.col(k).cast<double>());
      }
    }
  }
  // Columns name regions by their number in FacialSignal and the report (roi_no).
  const auto roi = [](int roi_index) {
    return "roi" + std::to_string(pipeline::region_number(static_cast<size_t>(roi_index)));
  };
  for (const auto& pupil : result.pupils) {
    columns.emplace_back(roi(pupil.roi_index) + "_pupil_area", pupil.area);
    columns.emplace_back(roi(pupil.roi_index) + "_pupil_row", pupil.com.col(0));
    columns.emplace_back(roi(pupil.roi_index) + "_pupil_col", pupil.com.col(1));
  }
  for (const auto& blink : result.blinks)
    columns.emplace_back(roi(blink.roi_index) + "_blink", blink.blink);
  for (const auto& running : result.running) {
    columns.emplace_back(roi(running.roi_index) + "_running_dy", running.dy);
    columns.emplace_back(roi(running.roi_index) + "_running_dx", running.dx);
  }
  if (!columns.empty()) write_csv(folder / (stem + "_traces.csv"), fps, columns);
}

void export_keypoints(const facemap::PoseTracks& tracks, double fps, const fs::path& folder,
                      const std::string& stem) {
  facemap::write_pose_h5(folder / (stem + "_FacemapPose.h5"), tracks);
  std::cout << "wrote " << (folder / (stem + "_FacemapPose.h5")).string() << "\n";
  std::vector<std::pair<std::string, Eigen::VectorXd>> columns;
  for (size_t j = 0; j < tracks.bodyparts.size(); ++j) {
    const auto c = static_cast<Eigen::Index>(j);
    columns.emplace_back(tracks.bodyparts[j] + "_x", tracks.x.col(c).cast<double>());
    columns.emplace_back(tracks.bodyparts[j] + "_y", tracks.y.col(c).cast<double>());
    columns.emplace_back(tracks.bodyparts[j] + "_likelihood",
                         tracks.likelihood.col(c).cast<double>());
  }
  write_csv(folder / (stem + "_keypoints.csv"), fps, columns);
}

/// The recording's frame rate, as RecordingInfo read it from the video.
double recording_fps(const pipeline::Pipeline& pipe, const dj::Row& recording) {
  const auto info = pipeline::RecordingInfo::read(pipe, recording);
  if (!info) {
    throw std::runtime_error("recording " + recording.to_display() +
                             " has no RecordingInfo row, whose fps gives the CSV's time column; "
                             "run fmpipe populate");
  }
  if (!(info->fps > 0)) {
    throw std::runtime_error("recording " + recording.to_display() + " has fps " +
                             std::to_string(info->fps) +
                             " in RecordingInfo, which gives no time column");
  }
  return info->fps;
}

}  // namespace

void add_export_command(CLI::App& app) {
  struct Options {
    RecordingOptions recording;
    std::string output = ".";
    int task_id = -1, model_id = -1;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand("export",
                                     "Write one recording's results as .npy (Facemap's _proc.npy), "
                                     ".h5 (_FacemapPose.h5) and .csv files");
  add_recording_options(command, options->recording);
  command->add_option("--task-id", options->task_id,
                      "Only this processing task (default: every task)");
  command->add_option("--model-id", options->model_id,
                      "Only this model's keypoints (default: every model)");
  command->add_option("-o,--output", options->output, "Folder to write into")
      ->capture_default_str();
  command->callback([options] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    const dj::Row recording = options->recording.full_key(pipe);
    fs::create_directories(options->output);
    const double fps = recording_fps(pipe, recording);
    size_t written = 0;
    for (const auto& key :
         (pipe.table("facial_behavior_estimation.FacialSignal") & recording).fetch_keys()) {
      const int task = key.get<int>("facemap_task_id");
      if (options->task_id >= 0 && task != options->task_id) continue;
      export_signal(pipeline::fetch_facial_signal(pipe, key), fps, options->output,
                    pipeline::processing_task_name(pipe, key));
      ++written;
    }
    for (const auto& key :
         (pipe.table("facemap_inference.FacemapInference") & recording).fetch_keys()) {
      const int model = key.get<int>("model_id");
      if (options->model_id >= 0 && model != options->model_id) continue;
      export_keypoints(pipeline::fetch_keypoints(pipe, key), fps, options->output,
                       pipeline::inference_task_name(pipe, key));
      ++written;
    }
    if (!written) throw std::runtime_error("no results for recording " + recording.to_display());
  });
}

}  // namespace fmpipe::cli
