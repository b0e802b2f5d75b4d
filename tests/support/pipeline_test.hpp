#pragma once
// A test with the pipeline's five schemas under a name prefix of its own (so tests run in
// parallel), dropped when the test ends.

#include <string>

#include "support/test_database.hpp"

namespace fmtest {

class PipelineTest : public DatabaseTest {
 protected:
  void TearDown() override;
  const std::string prefix = unique_schema_name("p") + "_";
};

}  // namespace fmtest
