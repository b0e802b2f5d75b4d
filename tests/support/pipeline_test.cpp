#include "support/pipeline_test.hpp"

#include "pipeline/schema_file.hpp"

namespace fmtest {

dj::Row ingest_face_recording(pipeline::Pipeline& pipe) {
  pipeline::ingest(pipe, {kFaceRecording});
  return pipeline::recording_key(kFaceRecording);
}

void PipelineTest::TearDown() {
  if (connection) {
    pqxx::nontransaction work(connection->native());
    const auto& schemas = pipeline::builtin_schemas();
    for (auto it = schemas.rbegin(); it != schemas.rend(); ++it) {
      work.exec("DROP SCHEMA IF EXISTS \"" + prefix + it->name + "\" CASCADE");
    }
  }
  DatabaseTest::TearDown();
}

}  // namespace fmtest
