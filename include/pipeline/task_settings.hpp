#pragma once
// A task's settings in words, for people: what `fmpipe task show` prints and the report shows,
// so that a user can see which settings produced a trace. Regions are numbered as FacialSignal
// numbers them (roi_no): region n is the task's n-th region, region 0 the full frame.

#include <string>
#include <utility>
#include <vector>

#include "facemap/svd/svd.hpp"
#include "pipeline/paths.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

/// (name, text) pairs, in the order they are shown.
using SettingLines = std::vector<std::pair<std::string, std::string>>;

/// A region's number in FacialSignal (roi_no), the report and its figure files: 1 + its index
/// in the task's regions (0 is the full frame).
int region_number(std::size_t index_in_task);

/// "pupil region 'eye': rows 20..59, columns 80..129, saturation 110, 1 reflector(s) (rows
/// 30..34, columns 100..109)": type, name, extent in full-frame pixels (inclusive), saturation
/// where it applies, and each reflector's extent.
std::string region_text(const facemap::Roi& roi);

/// sbin, components, full-frame SVD, and "region <n>" for each region.
SettingLines svd_settings(const facemap::SvdParams& params);

/// A FacemapTask (its whole key): mode, stored and resolved output folder, description, the
/// motion / movie SVD switches, then svd_settings(). The folder that cannot be resolved (no
/// processed-data root set, say) is shown with the reason. Throws std::invalid_argument naming
/// the key when there is no such task.
SettingLines processing_task_settings(const Pipeline& pipe, const DataRoots& roots,
                                      const dj::Row& task_key);

/// A FacemapInferenceTask (its whole key): mode, output folders, description, the model (id,
/// name, body parts) and the bounding box. Throws std::invalid_argument naming the key when
/// there is no such task.
SettingLines inference_task_settings(const Pipeline& pipe, const DataRoots& roots,
                                     const dj::Row& task_key);

}  // namespace pipeline
