#pragma once
// A test with the pipeline's five schemas under a name prefix of its own (so tests run in
// parallel), dropped when the test ends.

#include <string>

#include "pipeline/ingest.hpp"
#include "pipeline/pipeline.hpp"
#include "support/test_database.hpp"

namespace fmtest {

/// The tests' recording: m1's session of 2024-05-06 07:08:09, one video m1/s1/face.avi.
inline const pipeline::RecordingEntry kFaceRecording{.subject = "m1",
                                                     .sex = "M",
                                                     .subject_birth_date = "2024-01-01",
                                                     .session_datetime = "2024-05-06 07:08:09",
                                                     .session_dir = "m1/s1",
                                                     .files = {"m1/s1/face.avi"}};

/// Ingests kFaceRecording into `pipe` and returns its recording key.
dj::Row ingest_face_recording(pipeline::Pipeline& pipe);

class PipelineTest : public DatabaseTest {
 protected:
  void TearDown() override;
  const std::string prefix = unique_schema_name("p") + "_";
};

}  // namespace fmtest
