// fmpipe demo: the whole pipeline on a bundled sample. A synthetic face video (with ground
// truth) is generated into a data folder, ingested, processed by the SVD engine and the
// keypoint network (the demo model shipped in models/), the results are compared with the truth,
// and a report of figures (<data-dir>/report/index.html) shows them. The demo has schemas of its
// own (prefix fm_demo_): it populates every table it sees and starts by deleting an earlier
// demo's subject, which in a lab's schemas would be the lab's work.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "demo_keypoints.hpp"
#include "dj/blob.hpp"
#include "dj/connection.hpp"
#include "synth/synthetic_face.hpp"
#include "pipeline/computations.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/report.hpp"
#include "pipeline/sql_helpers.hpp"
#include "pipeline/tasks.hpp"

namespace fs = std::filesystem;

namespace fmpipe::cli {
namespace {

double median(std::vector<double> values) {
  if (values.empty()) return NAN;
  std::nth_element(values.begin(), values.begin() + static_cast<long>(values.size() / 2),
                   values.end());
  return values[values.size() / 2];
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= static_cast<double>(a.size());
  mb /= static_cast<double>(b.size());
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) * (a[i] - ma);
    bb += (b[i] - mb) * (b[i] - mb);
  }
  return ab / std::sqrt(aa * bb);
}

struct DemoOptions {
  std::string data_dir;
  int frames = 1500;
  std::string model_dir;
  std::string prefix = "fm_demo_";
};

void print_pupil_accuracy(const pipeline::Pipeline& pipe, const facemap::SynthTruth& truth) {
  const auto pupil =
      pipe.table("facial_behavior_estimation.FacialSignal.Pupil") & dj::Row{{"subject", "demo"}};
  const auto area = dj::unpack_vector<double>(pupil.fetch1(), "area");
  std::vector<double> measured, expected, relative;
  for (int t = 0; t < truth.nframes(); ++t) {
    if (truth.lid_closure(t) > 0 || std::isnan(area[static_cast<size_t>(t)])) continue;
    measured.push_back(area[static_cast<size_t>(t)]);
    expected.push_back(truth.pupil_area(t));
    relative.push_back(std::abs(measured.back() - expected.back()) / expected.back());
  }
  std::printf(
      "pupil area vs ground truth: correlation %.4f, median relative error %.2f%% (%zu open-eye "
      "frames)\n",
      correlation(measured, expected), 100 * median(relative), measured.size());
  const auto running =
      (pipe.table("facial_behavior_estimation.FacialSignal.Running") & dj::Row{{"subject", "demo"}})
          .fetch1();
  const auto dx = dj::unpack_vector<double>(running, "dx");
  const auto dy = dj::unpack_vector<double>(running, "dy");
  int exact = 0;
  for (int t = 1; t < truth.nframes(); ++t) {
    exact += std::abs(dx[static_cast<size_t>(t)] - truth.wheel_shift(t, 1)) <= 0.5 &&
             std::abs(dy[static_cast<size_t>(t)] - truth.wheel_shift(t, 0)) <= 0.5;
  }
  std::printf("running: %d of %d frame-to-frame shifts within 0.5 px of the truth\n", exact,
              truth.nframes() - 1);
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto options = std::make_shared<DemoOptions>();
  auto* demo = app.add_subcommand(
      "demo", "Run the whole pipeline on a generated sample and compare with the truth");
  demo->add_option("--data-dir", options->data_dir, "Where the sample video and results go")
      ->required();
  demo->add_option("--frames", options->frames, "Frames of the sample video")
      ->capture_default_str();
  demo->add_option("--model-dir", options->model_dir, "Folder of the demo keypoint model")
      ->required();
  demo->add_option("--prefix", options->prefix,
                   "Schema prefix of the demo's own tables (never the pipeline's, "
                   "FMPIPE_SCHEMA_PREFIX)")
      ->capture_default_str();
  demo->callback([options] {
    const auto started = std::chrono::steady_clock::now();
    const fs::path raw = fs::path(options->data_dir) / "raw",
                   processed = fs::path(options->data_dir) / "processed";
    const fs::path video = raw / "demo/session1/face.avi",
                   truth_file = raw / "demo/session1/face_truth.npy";
    facemap::SynthParams synth;
    synth.nframes = options->frames;
    const facemap::SyntheticFace face(synth);
    facemap::SynthTruth truth;
    if (fs::exists(video) && fs::exists(truth_file)) truth = facemap::read_synth_truth(truth_file);
    if (truth.nframes() != synth.nframes) {  // none yet, or one of another length
      fs::create_directories(video.parent_path());
      std::printf("generating a %d-frame synthetic face video (%dx%d) in %s\n", synth.nframes,
                  synth.width, synth.height, video.c_str());
      truth = facemap::write_synthetic_video(face, video, truth_file);
    }

    auto connection = pipeline::open_database();
    std::printf("database: %s\n", connection->target().c_str());
    pipeline::Pipeline pipe(*connection, options->prefix);
    std::printf("schemas: %s*\n", options->prefix.c_str());
    // Its own SQL helpers too (<prefix>views), for the queries of README and examples/sql.
    try {
      pipeline::install_sql_helpers(pipe);
    } catch (const std::exception& e) {
      spdlog::warn("SQL helpers ({}views) not installed: {}", pipe.prefix(), e.what());
    }
    const pipeline::RecordingEntry entry{.subject = "demo",
                                         .sex = "U",
                                         .subject_birth_date = "2024-01-01",
                                         .subject_nickname = "synthetic",
                                         .session_datetime = "2024-06-01 12:00:00",
                                         .session_dir = "demo/session1",
                                         .files = {"demo/session1/face.avi"}};
    // A clean slate: rows of an earlier demo (perhaps of another length or data folder) would
    // be taken as this one's results.
    const auto earlier = pipe.table("subject.Subject") & dj::Row{{"subject", "demo"}};
    if (earlier.exists()) earlier.delete_rows();
    pipeline::ingest(pipe, {entry});
    const dj::Row recording = pipeline::recording_key(entry);
    if (!(pipe.table("facial_behavior_estimation.FacemapTask") & recording).exists()) {
      pipeline::ProcessingTask task;
      task.recording = recording;
      task.params.rois = face.rois().all();
      task.params.movie_svd = true;
      task.description = "demo: motion and movie SVD, pupil, blink, running";
      pipeline::add_processing_task(pipe, task);
    }
    add_demo_keypoint_task(pipe, recording, options->model_dir);

    const pipeline::DataRoots roots({raw}, processed);
    dj::PopulateOptions populate;
    populate.display_progress = true;
    for (auto& [name, table] : pipeline::computations(pipe, roots)) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto result = table->populate(populate);
      std::printf("%-48s %lld made in %.1f s\n", name.c_str(), result.made,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }

    std::printf("\n%-60s %8s\n", "table", "rows");
    for (const auto& name : pipe.table_names())
      std::printf("%-60s %8lld\n", name.c_str(), pipe.table(name).count());
    std::printf("\nfirst singular values (full frame):\n");
    for (const char* part : {"MotionSVD", "MovieSVD"}) {
      dj::FetchOptions first;
      first.order_by = {"component_id"};
      first.limit = 5;
      std::printf("  %-10s", part);
      const auto svd = pipe.table(std::string("facial_behavior_estimation.FacialSignal.") + part) &
                       dj::Row{{"subject", "demo"}, {"roi_no", 0}};
      for (const auto& row : svd.fetch(first))
        std::printf(" %10.1f", row.get<double>("singular_value"));
      std::printf("\n");
    }
    print_pupil_accuracy(pipe, truth);
    print_keypoint_accuracy(pipe, recording, truth);
    const auto report =
        pipeline::write_report(pipe, roots, recording, fs::path(options->data_dir) / "report");
    std::printf("\nreport (%zu figures): %s\n", report.figures.size(), report.index.c_str());
    std::printf("\ntime taken: %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  });
}

}  // namespace fmpipe::cli
