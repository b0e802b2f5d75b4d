#pragma once
// A report of one recording, for people: PNG figures of its results and an index.html that
// shows them with the recording's metadata, so that an analysis can be judged by looking at it.
//
//   pipeline::Report report = pipeline::write_report(pipe, roots, recording_key, "report/");
//   // report/index.html, report/task0_regions.png, report/task0_region1_pupil.png,
//   // report/model1_task0_keypoints_frame.png, ...
//
// Regions are numbered as FacialSignal numbers them (roi_no, pipeline/task_settings.hpp): the
// task's n-th region is region n in the database, on the page and in the figure files
// ("task<id>_region<n>_motion_masks.png", "task<id>_region<n>_pupil.png"), 0 the full frame.
//
// For each processing task with results (FacialSignal): the average frame with every region
// outlined, the first motion masks and motion SVD traces of each SVD region, and the pupil, blink
// and running traces of each such region. For each model with keypoints (FacemapInference): a
// frame of the video with the keypoints drawn over it, and their x and y traces. Parts a
// recording lacks (no pupil region, no inference yet) are left out with a note on the page.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dj/value.hpp"
#include "pipeline/paths.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

/// What a report shows.
struct ReportOptions {
  std::optional<int> task_id;   ///< only this processing task (default: every task with results)
  std::optional<int> model_id;  ///< only this model's keypoints (default: every model)
  int components = 8;           ///< masks and traces shown per SVD region
};

/// What write_report() wrote.
struct Report {
  std::filesystem::path index;                 ///< the page, <folder>/index.html
  std::vector<std::filesystem::path> figures;  ///< the PNG files, in the page's order
  std::vector<std::string> notes;              ///< the parts left out, and why
};

/// Writes the report of `recording` (a VideoRecording key; extra attributes are ignored) into
/// `folder`, created when missing; files of an earlier report there are replaced. The results
/// come from the database; the video, found through `roots`, gives the frame the keypoints are
/// drawn on (without it that figure is left out with a note). Throws std::invalid_argument when
/// the recording does not exist, and std::runtime_error naming the file that cannot be written.
Report write_report(const Pipeline& pipe, const DataRoots& roots, const dj::Row& recording,
                    const std::filesystem::path& folder, const ReportOptions& options = {});

}  // namespace pipeline
