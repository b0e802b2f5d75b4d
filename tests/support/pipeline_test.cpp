#include "support/pipeline_test.hpp"

#include "pipeline/schema_file.hpp"

namespace fmtest {

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
