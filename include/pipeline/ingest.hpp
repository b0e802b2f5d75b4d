#pragma once
// Upstream rows from a manifest: subjects, sessions, session folders, video recordings and
// their files, in one transaction (rows that exist are kept).
//
// CSV: one row per video file, with a header naming the columns
//   subject, sex, subject_birth_date, session_datetime, session_dir, recording_id, device,
//   file_path
// (subject_nickname and session_id optional); rows with the same subject, session_datetime and
// recording_id are the files of one recording, in time order.
// YAML or JSON: {"recordings": [{"subject": ..., "sex": ..., "subject_birth_date": ...,
//   "session_datetime": ..., "session_dir": ..., "recording_id": 0, "device": "camera0",
//   "files": ["rel/path1.avi", "rel/path2.avi"]}, ...]}
// File paths are relative to a data root (FACEMAP_ROOT_DATA_DIR).

#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/pipeline.hpp"

namespace pipeline {

/// One recording with its subject and session.
struct RecordingEntry {
  std::string subject;
  std::string sex = "U";
  std::string subject_birth_date;
  std::string subject_nickname;
  std::string session_datetime;
  std::string session_dir;
  int recording_id = 0;
  std::string device = "camera0";
  std::vector<std::string> files;
};

/// Reads a manifest (.csv, .yaml/.yml or .json). Errors name the file, the line or entry, and
/// the reason.
std::vector<RecordingEntry> read_manifest(const std::filesystem::path& path);

/// Counts of rows added (rows that existed are not counted).
struct IngestCounts {
  long long subjects = 0, sessions = 0, recordings = 0, files = 0;
};

/// Inserts the entries' rows in one transaction.
IngestCounts ingest(Pipeline& pipe, const std::vector<RecordingEntry>& entries);

/// The VideoRecording key of an entry.
dj::Row recording_key(const RecordingEntry& entry);

}  // namespace pipeline
