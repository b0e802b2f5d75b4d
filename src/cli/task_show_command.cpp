// fmpipe task show processing|inference: a task's settings read back from the database, so that
// a user can see which settings produced a trace.

#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/task_settings.hpp"
#include "recording_options.hpp"

namespace fmpipe::cli {
namespace {

void print_settings(const std::string& title, const pipeline::SettingLines& lines) {
  std::printf("%s\n", title.c_str());
  for (const auto& [name, text] : lines) std::printf("  %-16s %s\n", name.c_str(), text.c_str());
}

}  // namespace

void add_task_show_command(CLI::App& task) {
  struct Args {
    RecordingOptions recording;
    int task_id = 0;
    int model_id = 0;
  };
  auto args = std::make_shared<Args>();
  auto* show = task.add_subcommand(
      "show", "Print a task's settings: its key is given as when the task was created");
  show->require_subcommand(1);

  auto* processing = show->add_subcommand(
      "processing", "A FacemapTask: mode, folders, sbin, components, SVD switches, regions");
  add_recording_options(processing, args->recording);
  processing->add_option("--task-id", args->task_id, "facemap_task_id")->capture_default_str();
  processing->callback([args] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    dj::Row key = args->recording.full_key(pipe);
    key.set("facemap_task_id", args->task_id);
    print_settings(
        "processing task " + key.to_display(),
        pipeline::processing_task_settings(pipe, pipeline::DataRoots::from_environment(), key));
  });

  auto* inference = show->add_subcommand(
      "inference", "A FacemapInferenceTask: mode, folders, model and bounding box");
  add_recording_options(inference, args->recording);
  inference->add_option("--model-id", args->model_id, "model_id")->required();
  inference->add_option("--task-id", args->task_id, "inference_task_id")->capture_default_str();
  inference->callback([args] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    dj::Row key = args->recording.full_key(pipe);
    key.set("model_id", args->model_id);
    key.set("inference_task_id", args->task_id);
    print_settings(
        "inference task " + key.to_display(),
        pipeline::inference_task_settings(pipe, pipeline::DataRoots::from_environment(), key));
  });
}

}  // namespace fmpipe::cli
