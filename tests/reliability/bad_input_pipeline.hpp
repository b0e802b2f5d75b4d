#pragma once
// The fixture of the bad-input tests: a pipeline with its own data folder, small synthetic
// videos, and what the tests check after a populate (the error recorded in the job table for
// a key, and that a failed key left no row behind in any table of the pipeline).

#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "dj/populate.hpp"
#include "synth/synthetic_face.hpp"
#include "pipeline/computations.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/pipeline.hpp"
#include "support/pipeline_test.hpp"

namespace fmtest {

class BadInputPipeline : public PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    std::filesystem::create_directories(raw / "m1/s1");
    pipe = std::make_unique<pipeline::Pipeline>(*connection, prefix);
  }
  void TearDown() override {
    pipe.reset();
    std::filesystem::remove_all(root);
    PipelineTest::TearDown();
  }

  /// Writes a synthetic face video of `frames` frames of `size` x `size` pixels under the
  /// data root at `relative`, and returns its full path.
  std::filesystem::path write_video(const std::string& relative, int size = 96, int frames = 30) {
    facemap::SynthParams synth;
    synth.height = size;
    synth.width = size;
    synth.nframes = frames;
    const std::filesystem::path video = raw / relative;
    facemap::write_synthetic_video(facemap::SyntheticFace(synth), video,
                                   root / (video.stem().string() + "_truth.npy"));
    return video;
  }

  /// A recording of subject m1 in session "2024-05-06 07:08:09" made of `files`.
  static pipeline::RecordingEntry entry(int recording_id, std::vector<std::string> files) {
    return {"m1",         "M",       "2024-01-01",    "", "2024-05-06 07:08:09", "m1/s1",
            recording_id, "camera0", std::move(files)};
  }

  /// Populates every computation of the pipeline in order, recording errors in the job tables
  /// and going on with other keys; returns each table's result by name.
  std::map<std::string, dj::PopulateResult> populate_all() {
    std::map<std::string, dj::PopulateResult> results;
    dj::PopulateOptions options;
    options.suppress_errors = true;
    for (auto& [name, table] : pipeline::computations(*pipe, roots))
      results[name] = table->populate(options);
    return results;
  }

  /// The error_message the job table of computation `table` holds for the first key that agrees
  /// with `key` on the attributes both have; empty when there is none.
  std::string job_error(const std::string& table, const dj::Row& key) {
    for (auto& [name, maker] : pipeline::computations(*pipe, roots)) {
      if (name != table) continue;
      for (const auto& job : maker->jobs().list(dj::JobStatus::error)) {
        const dj::Row shared = job.key.project(key.names());
        if (shared == key.project(shared.names())) return job.error_message;
      }
    }
    return "";
  }

  /// Rows matching `key` in every table of the pipeline, parts included ("schema.Class" ->
  /// count). A restriction by a key ignores the attributes a table lacks, so this counts, per
  /// table, the rows of the key and of its upstream entities.
  std::map<std::string, long long> rows_matching(const dj::Row& key) const {
    std::map<std::string, long long> counts;
    for (const auto& name : pipe->table_names()) counts[name] = (pipe->table(name) & key).count();
    return counts;
  }

  /// The tables whose count of rows matching `key` differs from `before` (from rows_matching).
  std::set<std::string> tables_changed(const dj::Row& key,
                                       const std::map<std::string, long long>& before) const {
    std::set<std::string> changed;
    for (const auto& [name, count] : rows_matching(key)) {
      if (before.at(name) != count) changed.insert(name);
    }
    return changed;
  }

  std::filesystem::path root =
      std::filesystem::temp_directory_path() / unique_schema_name("fmpipe_bad_input");
  std::filesystem::path raw = root / "raw";
  pipeline::DataRoots roots{{raw}, root / "processed"};
  std::unique_ptr<pipeline::Pipeline> pipe;
};

/// Expects `message` to contain each of `parts` (a file name, a reason).
inline void expect_mentions(const std::string& message, std::initializer_list<std::string> parts) {
  for (const auto& part : parts) {
    EXPECT_NE(message.find(part), std::string::npos)
        << "the message does not mention '" << part << "': " << message;
  }
}

}  // namespace fmtest
