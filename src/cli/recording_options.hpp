#pragma once
// The options that name a recording in fmpipe's task, export and report commands:
// --key attr=value (repeatable) for any Session key, the lab's when linked, and --subject and
// --session for the pipeline's own (subject, session_datetime), with --recording.

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "dj/value.hpp"
#include "pipeline/pipeline.hpp"

namespace fmpipe::cli {

struct RecordingOptions {
  std::vector<std::string> keys;  ///< "attr=value"
  std::string subject, session;
  std::optional<int> recording;

  /// The attributes given, each checked against the pipeline's Session heading and converted
  /// to its type, with recording_id when --recording was given (or `default_recording`).
  dj::Row key(const pipeline::Pipeline& pipe, std::optional<int> default_recording = {}) const;
  /// key(), refused unless it names the whole session key: one recording (recording_id
  /// defaults to 0).
  dj::Row full_key(const pipeline::Pipeline& pipe) const;
};

/// Adds --key, --subject, --session and --recording to `command`.
void add_recording_options(CLI::App* command, RecordingOptions& options);

}  // namespace fmpipe::cli
