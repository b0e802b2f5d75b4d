#include "recording_options.hpp"

#include "pipeline/upstream.hpp"

namespace fmpipe::cli {

dj::Row RecordingOptions::key(const pipeline::Pipeline& pipe,
                              std::optional<int> default_recording) const {
  // --subject and --session are the pipeline's own Session's attributes under friendlier names;
  // through the same check they are refused, naming the lab's attributes, when linked.
  std::vector<std::string> assignments = keys;
  if (!subject.empty()) assignments.push_back("subject=" + subject);
  if (!session.empty()) assignments.push_back("session_datetime=" + session);
  dj::Row key = pipeline::session_key_from_text(pipe, assignments);
  if (const auto id = recording ? recording : default_recording) key.set("recording_id", *id);
  return key;
}

dj::Row RecordingOptions::full_key(const pipeline::Pipeline& pipe) const {
  const dj::Row given = key(pipe, 0);
  pipeline::require_full_session_key(pipe, given);
  return given.project(pipe.recording_key());
}

void add_recording_options(CLI::App* command, RecordingOptions& options) {
  command->add_option("--key", options.keys,
                      "attr=value of the recording's session key (repeatable), e.g. --key "
                      "subject=JAX-2024-0117 --key session_id=3 for a lab's Session");
  command->add_option("--subject", options.subject, "Subject (the pipeline's own Session)");
  command->add_option("--session", options.session,
                      "Session date and time, e.g. '2024-05-06 07:08:09' (the pipeline's own "
                      "Session)");
  command->add_option("--recording", options.recording,
                      "Recording id (task and export: default 0)");
}

}  // namespace fmpipe::cli
