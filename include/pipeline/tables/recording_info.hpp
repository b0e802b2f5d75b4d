#pragma once
// facial_behavior_estimation.RecordingInfo: what the video files of a recording say about it.
// The definition is schemas/facial_behavior_estimation.dj; this file holds its make() and the
// one mapping between its columns and RecordingInfo::Values.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/tables/table_computation.hpp"

namespace pipeline {

/// The recording's files, as the fetch phase found them.
struct RecordingFiles {
  std::vector<std::filesystem::path> files;  ///< full paths, in time order
  bool operator==(const RecordingFiles&) const = default;
};

/// The row's values.
struct RecordingInfoValues {
  int px_height = 0;
  int px_width = 0;
  int nframes = 0;  ///< exact, counted from the container (not duration x fps)
  double fps = 0;   ///< of the first file
  double duration_seconds = 0;
  std::optional<std::string> recording_time;  ///< UTC creation time, when the container has one
};

/// Reads the size, exact frame count, fps, duration and creation time of a recording.
class RecordingInfo : public TableComputation<RecordingInfo, RecordingFiles, RecordingInfoValues> {
 public:
  RecordingInfo(Pipeline& pipe, DataRoots roots);

  RecordingFiles fetch(const dj::Row& key);
  static RecordingInfoValues compute(const RecordingFiles& inputs);
  void insert(const dj::Row& key, const RecordingInfoValues& values, dj::MakeInserter& out);

  /// The stored values of a recording, or nothing when RecordingInfo has not read it yet.
  static std::optional<RecordingInfoValues> read(const Pipeline& pipe, const dj::Row& recording);
};

}  // namespace pipeline
