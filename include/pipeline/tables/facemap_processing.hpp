#pragma once
// facial_behavior_estimation.FacemapProcessing: one FacemapTask carried out. Trigger mode runs
// the SVD engine on the recording and writes <first video stem>_proc.npy in the task's output
// folder (pipeline/task_paths.hpp); load mode checks that Facemap wrote one with results.
// FacialSignal imports the file either way. The definition is
// schemas/facial_behavior_estimation.dj.

#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/tables/table_computation.hpp"

namespace pipeline {

/// The task and the recording's files, as the fetch phase read them.
struct ProcessingInputs {
  dj::Row key;                               ///< the task's key, for messages
  std::string mode;                          ///< "trigger" or "load"
  dj::Blob facemap_params;                   ///< Facemap's settings dict (task_params.hpp)
  bool motion_svd = false;                   ///< do_mot_svd
  bool movie_svd = false;                    ///< do_mov_svd
  std::vector<std::filesystem::path> files;  ///< the recording's videos, in time order
  std::filesystem::path output_dir;          ///< where the _proc.npy is written or found
  bool operator==(const ProcessingInputs&) const = default;
};

/// The row's values.
struct ProcessingRun {
  std::string processing_time;  ///< UTC, when the results were complete
  std::string package_version;  ///< of the engine that made (or checked) them
};

class FacemapProcessing
    : public TableComputation<FacemapProcessing, ProcessingInputs, ProcessingRun> {
 public:
  FacemapProcessing(Pipeline& pipe, DataRoots roots);

  ProcessingInputs fetch(const dj::Row& key);
  static ProcessingRun compute(const ProcessingInputs& inputs);
  void insert(const dj::Row& key, const ProcessingRun& run, dj::MakeInserter& out);
};

/// The task's result file in `folder`: "<first video stem>_proc.npy", as Facemap names it.
std::filesystem::path proc_file_path(const std::filesystem::path& folder,
                                     const std::filesystem::path& first_video);

}  // namespace pipeline
