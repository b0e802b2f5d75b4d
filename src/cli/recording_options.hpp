#pragma once
// The options that name one recording (--subject, --session, --recording), shared by the
// commands that create tasks and show them.

#include <string>

#include <CLI/CLI.hpp>

#include "dj/value.hpp"

namespace fmpipe::cli {

struct RecordingArgs {
  std::string subject, session;
  int recording = 0;
  dj::Row key() const {
    return {{"subject", subject}, {"session_datetime", session}, {"recording_id", recording}};
  }
};

inline void add_recording_options(CLI::App* command, RecordingArgs& args) {
  command->add_option("--subject", args.subject, "Subject")->required();
  command
      ->add_option("--session", args.session, "Session date and time, e.g. '2024-05-06 07:08:09'")
      ->required();
  command->add_option("--recording", args.recording, "Recording id")->capture_default_str();
}

}  // namespace fmpipe::cli
