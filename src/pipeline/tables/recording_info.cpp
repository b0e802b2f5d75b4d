// RecordingInfo's make() and its row mapping (recording_info.hpp).

#include "pipeline/tables/recording_info.hpp"

#include "facemap/video/video.hpp"
#include "pipeline/tables/columns.hpp"
#include "pipeline/task_paths.hpp"
#include "utc_text.hpp"

namespace pipeline {
namespace {

const char* const kTable = "facial_behavior_estimation.RecordingInfo";

using V = RecordingInfoValues;
constexpr auto kColumns = std::tuple{Column{"px_height", &V::px_height},
                                     Column{"px_width", &V::px_width},
                                     Column{"nframes", &V::nframes},
                                     Column{"fps", &V::fps},
                                     Column{"recording_duration", &V::duration_seconds},
                                     Column{"recording_time", &V::recording_time}};

}  // namespace

RecordingInfo::RecordingInfo(Pipeline& pipe, DataRoots roots)
    : TableComputation(pipe, std::move(roots), kTable) {}

RecordingFiles RecordingInfo::fetch(const dj::Row& key) {
  return {recording_files(pipe_, roots_, key)};
}

RecordingInfoValues RecordingInfo::compute(const RecordingFiles& inputs) {
  const facemap::Recording recording(inputs.files);
  const auto size = recording.view_sizes().front();
  RecordingInfoValues values;
  values.px_height = size.height;
  values.px_width = size.width;
  values.nframes = recording.nframes();
  values.fps = recording.fps();
  values.duration_seconds = recording.duration_seconds();
  if (const auto created = recording.creation_time())
    values.recording_time = detail::utc_text(*created);
  return values;
}

void RecordingInfo::insert(const dj::Row& key, const RecordingInfoValues& values,
                           dj::MakeInserter& out) {
  dj::Row row = key.project(target().heading().primary_key());
  set_columns(row, values, kColumns);
  out.insert1(target(), row);
}

std::optional<RecordingInfoValues> RecordingInfo::read(const Pipeline& pipe,
                                                       const dj::Row& recording) {
  const auto stored = pipe.table(kTable) & recording.project(pipe.recording_key());
  if (!stored.exists()) return std::nullopt;
  RecordingInfoValues values;
  get_columns(stored.fetch1(), values, kColumns);
  return values;
}

}  // namespace pipeline
