// fmpipe report: one recording's results as PNG figures and an index.html (pipeline/report.hpp).

#include <iostream>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/report.hpp"
#include "recording_options.hpp"

namespace fmpipe::cli {
namespace {

struct ReportArgs {
  RecordingOptions recording;
  std::string output = "report";
  std::optional<int> task_id, model_id;
  std::vector<std::string> restrictions;
  int components = 8;
};

/// The one VideoRecording key the options select; throws when they select none or several.
dj::Row selected_recording(const pipeline::Pipeline& pipe, const ReportArgs& args) {
  dj::Query query = pipe.table("facial_behavior_estimation.VideoRecording");
  const dj::Row given = args.recording.key(pipe);
  if (given.size()) query = query & given;
  for (const auto& condition : args.restrictions) query = query & condition;
  const auto keys = query.fetch_keys();
  if (keys.size() == 1) return keys.front();
  if (keys.empty()) throw std::runtime_error("no recording matches the options given");
  std::string listed;
  for (size_t i = 0; i < keys.size() && i < 3; ++i) listed += "\n  " + keys[i].to_display();
  throw std::runtime_error(
      std::to_string(keys.size()) +
      " recordings match; narrow the choice with --key (--subject, --session), "
      "--recording or --restrict:" +
      listed + (keys.size() > 3 ? "\n  ..." : ""));
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* command = app.add_subcommand(
      "report", "Write one recording's results as PNG figures and an index.html; print its path");
  add_recording_options(command, args->recording);
  command->add_option("--restrict", args->restrictions,
                      "An SQL condition on the recordings (repeatable)");
  command->add_option("--task-id", args->task_id,
                      "Only this processing task (default: every task with results)");
  command->add_option("--model-id", args->model_id,
                      "Only this model's keypoints (default: every model)");
  command->add_option("--components", args->components, "Masks and traces per SVD region")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  command->add_option("-o,--out", args->output, "Folder to write into")->capture_default_str();
  command->callback([args] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    pipeline::ReportOptions options;
    options.task_id = args->task_id;
    options.model_id = args->model_id;
    options.components = args->components;
    const auto report =
        pipeline::write_report(pipe, pipeline::DataRoots::from_environment(),
                               selected_recording(pipe, *args), args->output, options);
    for (const auto& note : report.notes) spdlog::info("{}", note);
    std::cout << report.index.string() << "\n";
  });
}

}  // namespace fmpipe::cli
