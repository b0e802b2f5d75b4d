// fmpipe ingest / task / model: upstream rows, processing and inference tasks, keypoint models.

#include <iostream>
#include <memory>
#include <regex>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "facemap/io/proc_settings.hpp"
#include "facemap/pose/pose_model.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/linked_ingest.hpp"
#include "pipeline/task_params.hpp"
#include "pipeline/tasks.hpp"
#include "recording_options.hpp"

namespace fmpipe::cli {
namespace {

/// "pupil:y0:y1:x0:x1[:saturation]" (types: pupil, motion, blink, running).
facemap::Roi parse_roi(const std::string& text) {
  static const std::regex pattern(
      R"(^(pupil|motion|blink|running):(\d+):(\d+):(\d+):(\d+)(?::([\d.]+))?$)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) {
    throw std::invalid_argument(
        "--roi '" + text + "': write type:y0:y1:x0:x1[:saturation], e.g. pupil:10:70:10:90:100");
  }
  const std::string type = m[1].str();
  const auto roi_type = type == "pupil"    ? facemap::RoiType::pupil
                        : type == "motion" ? facemap::RoiType::motion
                        : type == "blink"  ? facemap::RoiType::blink
                                           : facemap::RoiType::running;
  if ((type == "pupil" || type == "blink") && !m[6].matched) {
    throw std::invalid_argument("--roi '" + text + "': a " + type +
                                " region needs its saturation (the intensity threshold, 0-255, "
                                "that pixels of the eye are darker than): write " +
                                text + ":SATURATION");
  }
  return pipeline::rectangle_roi(roi_type, std::stoi(m[2].str()), std::stoi(m[3].str()),
                                 std::stoi(m[4].str()), std::stoi(m[5].str()),
                                 m[6].matched ? std::stod(m[6].str()) : 0.0);
}

/// The regions and settings of a `_proc.npy` saved by Facemap's GUI (with or without results)
/// into `params`; the file's sbin, fullSVD and ncomp apply unless given on the command line.
void apply_rois_file(const std::string& file, const CLI::App& command, facemap::SvdParams& params) {
  const facemap::ProcSettings settings = facemap::read_proc_settings(file);
  for (const auto& warning : settings.warnings) spdlog::warn("{}: {}", file, warning);
  if (!command.count("--sbin")) params.sbin = settings.sbin;
  if (!command.count("--no-full-frame")) params.full_frame = settings.full_svd;
  if (!command.count("--components") && settings.components)
    params.components = *settings.components;
  params.rois.insert(params.rois.end(), settings.rois.begin(), settings.rois.end());
  std::cout << file << ": " << settings.rois.size() << " region(s), sbin " << params.sbin
            << (params.full_frame ? ", full-frame SVD" : ", no full-frame SVD") << "\n";
}

}  // namespace

void add_ingest_commands(CLI::App& app) {
  auto manifest = std::make_shared<std::string>();
  auto* ingest =
      app.add_subcommand("ingest", "Insert subjects, sessions and recordings from a manifest");
  ingest
      ->add_option("manifest", *manifest,
                   "A .csv, .yaml, .yml or .json manifest (described below); its files must "
                   "exist under a data root. Linked under a lab's tables, its fields are the "
                   "lab Session's key, recording_id, the Device's key and file_path or files "
                   "(pipeline/linked_ingest.hpp)")
      ->required()
      ->check(CLI::ExistingFile);
  ingest->footer(pipeline::manifest_format_help());
  ingest->callback([manifest] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    if (pipe.linked()) {
      // The lab's sessions are the lab's: only recordings and their files are added.
      const auto counts =
          pipeline::ingest_linked(pipe, pipeline::read_linked_manifest(pipe, *manifest));
      std::cout << "added " << counts.recordings << " recording(s), " << counts.files
                << " file(s) under " << pipe.upstream().display() << "\n";
      return;
    }
    auto entries = pipeline::read_manifest(*manifest);
    for (const auto& note :
         pipeline::locate_files(entries, pipeline::DataRoots::from_environment()))
      std::cout << note << "\n";
    const auto counts = pipeline::ingest(pipe, entries);
    std::cout << "added " << counts.devices << " device(s), " << counts.subjects << " subject(s), "
              << counts.sessions << " session(s), " << counts.recordings << " recording(s), "
              << counts.files << " file(s)\n";
  });

  auto* task = app.add_subcommand("task", "Create processing and inference tasks, show them");
  task->require_subcommand(1);
  add_task_show_command(*task);

  struct ProcessingArgs {
    RecordingOptions recording;
    int task_id = 0;
    std::string mode = "trigger";
    int sbin = 4;
    int components = 500;
    std::vector<std::string> rois;
    std::string rois_file;
    bool no_full_frame = false, no_motion = false, movie = false;
    std::string output_dir, description;
  };
  auto processing = std::make_shared<ProcessingArgs>();
  auto* svd =
      task->add_subcommand("processing", "A FacemapTask: the SVD analysis of one recording");
  add_recording_options(svd, processing->recording);
  svd->add_option("--task-id", processing->task_id,
                  "facemap_task_id: another id analyses the recording again, e.g. with other "
                  "regions")
      ->capture_default_str();
  svd->add_option("--mode", processing->mode,
                  "trigger (run the engine) or load (ingest Facemap's _proc.npy)")
      ->check(CLI::IsMember({"trigger", "load"}))
      ->capture_default_str();
  svd->add_option("--sbin", processing->sbin, "Spatial binning")->capture_default_str();
  svd->add_option("--components", processing->components, "Components per region")
      ->capture_default_str();
  svd->add_option("--roi", processing->rois,
                  "type:y0:y1:x0:x1[:saturation], rows y0..y1-1 and columns x0..x1-1 "
                  "(repeatable; pupil and blink need the saturation)");
  svd->add_option("--rois-from", processing->rois_file,
                  "A _proc.npy saved by Facemap's GUI: its regions of every type with their "
                  "ellipses, reflectors and saturations, and its sbin and fullSVD")
      ->check(CLI::ExistingFile);
  svd->add_flag("--no-full-frame", processing->no_full_frame, "Skip the full-frame SVD");
  svd->add_flag("--no-motion-svd", processing->no_motion, "Skip the motion SVD");
  svd->add_flag("--movie-svd", processing->movie, "Also compute the movie SVD");
  svd->add_option("--output-dir", processing->output_dir,
                  "Results folder, relative to the data roots");
  svd->add_option("--description", processing->description, "Task description");
  svd->callback([processing, svd] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    pipeline::ProcessingTask spec;
    spec.recording = processing->recording.full_key(pipe);
    spec.task_id = processing->task_id;
    spec.mode = processing->mode;
    spec.params.sbin = processing->sbin;
    spec.params.components = processing->components;
    spec.params.full_frame = !processing->no_full_frame;
    spec.params.motion_svd = !processing->no_motion;
    spec.params.movie_svd = processing->movie;
    if (!processing->rois_file.empty()) apply_rois_file(processing->rois_file, *svd, spec.params);
    for (const auto& roi : processing->rois) spec.params.rois.push_back(parse_roi(roi));
    spec.output_dir = processing->output_dir;
    spec.description = processing->description;
    pipeline::add_processing_task(pipe, spec);
  });

  struct InferenceArgs {
    RecordingOptions recording;
    int model_id = 0;
    int task_id = 0;
    std::string mode = "trigger";
    std::vector<int> bbox;
    std::string output_dir, description;
  };
  auto inference = std::make_shared<InferenceArgs>();
  auto* pose =
      task->add_subcommand("inference", "A FacemapInferenceTask: keypoints of one recording");
  add_recording_options(pose, inference->recording);
  pose->add_option("--model-id", inference->model_id, "A registered model (fmpipe model add)")
      ->required();
  pose->add_option("--task-id", inference->task_id,
                   "inference_task_id: another id runs the recording and model again, e.g. with "
                   "another --bbox")
      ->capture_default_str();
  pose->add_option("--mode", inference->mode,
                   "trigger (run the network) or load (ingest _FacemapPose.h5)")
      ->check(CLI::IsMember({"trigger", "load"}))
      ->capture_default_str();
  pose->add_option("--bbox", inference->bbox, "x1 x2 y1 y2: crop in full-frame pixels")
      ->expected(4);
  pose->add_option("--output-dir", inference->output_dir,
                   "Results folder, relative to the data roots");
  pose->add_option("--description", inference->description, "Task description");
  pose->callback([inference] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    pipeline::InferenceTask spec;
    spec.recording = inference->recording.full_key(pipe);
    spec.model_id = inference->model_id;
    spec.task_id = inference->task_id;
    spec.mode = inference->mode;
    if (!inference->bbox.empty()) {
      spec.bbox = std::array<int, 4>{inference->bbox[0], inference->bbox[1], inference->bbox[2],
                                     inference->bbox[3]};
    }
    spec.output_dir = inference->output_dir;
    spec.description = inference->description;
    pipeline::add_inference_task(pipe, spec);
  });

  struct ModelArgs {
    int model_id = 0;
    std::string name, file, params_file, description;
  };
  auto model = std::make_shared<ModelArgs>();
  auto* models = app.add_subcommand("model", "Keypoint models");
  models->require_subcommand(1);
  auto* add = models->add_subcommand(
      "add",
      "Store a model file (Facemap's state dict) in the database, once it loads as "
      "the keypoint network");
  add->add_option("--model-id", model->model_id, "model_id")->required();
  add->add_option("--name", model->name, "model_name")->required();
  add->add_option("--file", model->file, "The weights file (.pt / .pth state dict)")
      ->required()
      ->check(CLI::ExistingFile);
  add->add_option("--params", model->params_file,
                  "facemap_model_params.pth: channels and body parts");
  add->add_option("--description", model->description, "model_description");
  add->callback([model] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    // Without a params file the widths are the weights' own (as inference reads them); with
    // one, its channels must be theirs and its body parts are the model's.
    const bool given = !model->params_file.empty();
    const auto params =
        given ? facemap::read_pose_model_params(model->params_file) : facemap::PoseModelParams{};
    pipeline::register_model(pipe, model->model_id, model->name, model->file, params.bodyparts,
                             model->description, given ? params.channels : std::vector<int>{});
    std::cout << "stored model " << model->model_id << " (" << model->name
              << "): " << params.bodyparts.size() << " body part(s)\n";
  });
}

}  // namespace fmpipe::cli
