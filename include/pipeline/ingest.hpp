#pragma once
// Upstream rows from a manifest: subjects, sessions, session folders, video recordings and
// their files, in one transaction (rows that exist are kept).
//
// CSV: one row per video file, with a header naming the columns subject, session_datetime,
// recording_id and file_path, and any of sex, subject_birth_date, subject_nickname, session_id,
// session_dir, device, and the device's modality and device_description (which add it to
// lab.Device); rows with the same subject, session_datetime and recording_id,
// wherever they stand, are the files of one recording, in time order.
// YAML or JSON: {"recordings": [{"subject": ..., "sex": ..., "subject_birth_date": ...,
//   "session_datetime": ..., "session_dir": ..., "recording_id": 0, "device": "camera0",
//   "files": ["rel/path1.avi", "rel/path2.avi"]}, ...]} (recording_id defaults to 0).
// File paths are relative to a data root (FACEMAP_ROOT_DATA_DIR); locate_files() checks them.
//
// Manifests are strict, so that nothing a lab wrote is dropped or misread: an unknown column
// or key, a value that is not of its kind (dates ISO 8601: YYYY-MM-DD, and YYYY-MM-DD
// HH:MM:SS for session_datetime; integer ids; sex M, F or U), an empty required value, a file
// listed twice for one recording, or rows of one subject, session or recording that disagree
// on its attributes are refused, naming the file, line, column and value.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/paths.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

/// One recording with its subject and session.
struct RecordingEntry {
  // Every member has an initializer, so that entries may name only the members they set.
  std::string subject{};
  std::string sex = "U";
  std::string subject_birth_date{};
  std::string subject_nickname{};
  std::string session_datetime{};
  std::string session_dir{};
  int recording_id = 0;
  std::string device = "camera0";
  std::vector<std::string> files{};
  std::optional<int> session_id{};  ///< Session.session_id; null when not given
  std::string origin{};           ///< "<manifest> line N", for errors; empty when not from one
  std::vector<std::string> file_origins{};  ///< where each of `files` was given (as `origin`)
  /// lab.Device's modality and description of `device`: when the modality is given, ingest adds
  /// the device (or checks that lab.Device has it so); when not, lab.Device must have it.
  std::string device_modality{}, device_description{};
};

/// A row of lab.Device.
struct Device {
  std::string device, modality, description;
};

/// Adds a device to lab.Device; returns false when it is there already with this modality (and
/// this description, when one is given). Throws dj::InsertError naming the device when lab.Device
/// has it with another.
bool add_device(Pipeline& pipe, const Device& device);

/// Reads a manifest (.csv, .yaml/.yml or .json), every value checked. Errors name the file,
/// the line, the column or key, the value and the reason.
std::vector<RecordingEntry> read_manifest(const std::filesystem::path& path);

/// Counts of rows added (rows that existed are not counted).
struct IngestCounts {
  long long subjects = 0, sessions = 0, recordings = 0, files = 0, devices = 0;
};

/// Inserts the entries' rows in one transaction: on any error nothing is kept. A value that does
/// not fit its attribute, a device that lab.Device lacks (and the entry does not describe), and
/// what the database refuses are errors naming the entry's origin. Files are not looked at here:
/// locate_files() checks them.
IngestCounts ingest(Pipeline& pipe, const std::vector<RecordingEntry>& entries);

/// The manifest format for users (`fmpipe ingest --help`): each column or key with whether it
/// is required, its kind and default, the file formats, and an example of each, made from the
/// fields read_manifest() reads.
std::string manifest_format_help();

/// Checks the entries' files before ingest, as `fmpipe ingest` does: each must exist under a data
/// root and is stored relative to it. A file given as an absolute path under a root is made
/// relative, with a note (returned, one per file) saying so. A missing file, a file under no
/// root, or a relative path that leads out of its root ("..") throws, naming the entry's origin,
/// the file and the roots. (Populate checks again: files can move after ingest.)
std::vector<std::string> locate_files(std::vector<RecordingEntry>& entries, const DataRoots& roots);

/// The VideoRecording key of an entry.
dj::Row recording_key(const RecordingEntry& entry);

}  // namespace pipeline
