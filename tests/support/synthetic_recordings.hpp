#pragma once
// Synthetic face recordings in a temporary folder, ingested into a pipeline with trigger-mode
// processing tasks, for tests that run fmpipe processes (workers) on them.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dj/populate.hpp"
#include "synth/synthetic_face.hpp"
#include "pipeline/paths.hpp"
#include "pipeline/pipeline.hpp"
#include "support/pipeline_test.hpp"

namespace fmtest {

/// A 64 x 64 synthetic face of `nframes` frames: small enough that tests of workers and
/// warnings compute their keys in well under a second.
facemap::SynthParams small_face(int nframes);

class SyntheticRecordings {
 public:
  /// A fresh folder (raw/ for videos, processed/ for results) and the pipeline's schemas under
  /// `prefix` on `connection`, a session of the server at `database_url`.
  SyntheticRecordings(dj::Connection& connection, std::string database_url, std::string prefix);
  ~SyntheticRecordings();  ///< removes the folder; the schemas are the test's to drop
  SyntheticRecordings(const SyntheticRecordings&) = delete;
  SyntheticRecordings& operator=(const SyntheticRecordings&) = delete;

  /// Writes a synthetic video (raw/m1/r<id>/face.avi) as recording `recording_id` of mouse m1's
  /// session, and gives it a trigger-mode processing task (motion SVD of the full frame with
  /// `components` components, and the face's pupil, blink and running regions). Returns the
  /// FacemapTask key.
  dj::Row add(int recording_id, const facemap::SynthParams& synth, int components = 10);

  /// What an fmpipe process needs to work on this pipeline: DATABASE_URL,
  /// FMPIPE_SCHEMA_PREFIX, FACEMAP_ROOT_DATA_DIR and FACEMAP_PROCESSED_DATA_DIR (`processed`).
  std::vector<std::string> environment() const;

  /// The data roots: raw/ for videos, `processed` for results.
  pipeline::DataRoots roots() const;
  /// Computes `table` ("<schema>.<Class>") in this process, without the job queue.
  dj::PopulateResult populate(const std::string& table);
  /// Rows of a table given as "<schema>.<Class>" or "<schema>.<Master>.<Part>".
  long long count(const std::string& table) const;
  /// The job queue of `table`.
  dj::JobTable jobs(const std::string& table) const;
  /// The rows of FacialSignal ("") and of every part table the schema declares for it
  /// (".Summary", ".MotionSVD", ...): a test compares them with facial_signal_rows(), so that a
  /// part table left out of a rollback or an insert, or a new one, cannot go unnoticed.
  std::map<std::string, long long> facial_signal_counts() const;

  std::filesystem::path folder, raw, processed;
  pipeline::Pipeline pipe;

 private:
  std::string database_url_;
};

/// A test with SyntheticRecordings on the shared test server, under the test's own prefix.
class SyntheticPipelineTest : public PipelineTest {
 protected:
  void SetUp() override;
  void TearDown() override;
  std::unique_ptr<SyntheticRecordings> recordings;
};

/// What SyntheticRecordings::facial_signal_counts() is once FacialSignal holds `keys` keys made
/// from add()'s tasks with `components` motion components each: per key the master and Summary
/// rows, 4 regions (full frame, pupil, blink, running), the components, no movie SVD (add()
/// turns it off), and one pupil, blink and running trace.
std::map<std::string, long long> facial_signal_rows(long long keys, long long components);

/// The pipeline's tables that populate computes, in order.
inline const std::string kRecordingInfo = "facial_behavior_estimation.RecordingInfo";
inline const std::string kProcessing = "facial_behavior_estimation.FacemapProcessing";
inline const std::string kFacialSignal = "facial_behavior_estimation.FacialSignal";

}  // namespace fmtest
