#pragma once
// Recordings from a manifest for a pipeline linked under a lab's tables (upstream.hpp). The
// lab's Session (and Device) rows are the lab's: ingest adds VideoRecording and its files only,
// and refuses a session or device that the lab's table lacks.
//
// CSV, one row per video file, with a header naming the lab Session's primary key attributes,
// recording_id and file_path, and, when the pipeline is linked to a Device, the Device's key
// attributes; no other column. Rows with the same session key and recording_id, wherever they
// stand, are the files of one recording, in time order. YAML or JSON: {"recordings": [{<the
// same attributes>, "files": ["rel/path1.avi", ...]}, ...]} (recording_id defaults to 0).
// File paths are relative to a data root. Values are checked against the lab's attribute types;
// errors name the file, line, column or key, and value.

#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/ingest.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

/// One recording of a linked manifest.
struct LinkedRecording {
  dj::Row key;     ///< the VideoRecording key: the session key and recording_id
  dj::Row device;  ///< the Device key, empty when the pipeline names no Device
  std::vector<std::string> files;
  std::string origin;  ///< "<manifest> line N"
};

/// Reads a linked manifest (.csv, .yaml/.yml or .json) for `pipe`, whose upstream gives its
/// columns.
std::vector<LinkedRecording> read_linked_manifest(const Pipeline& pipe,
                                                  const std::filesystem::path& path);

/// Inserts the recordings and their files in one transaction (recordings that exist keep
/// theirs). Throws naming the entry's origin when its session or device is not in the lab's
/// table. Counts recordings and files only.
IngestCounts ingest_linked(Pipeline& pipe, const std::vector<LinkedRecording>& recordings);

}  // namespace pipeline
