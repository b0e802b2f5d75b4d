// The names users give tables (pipeline/table_names.hpp): Class, Master.Part, schema.Class and
// schema.Master.Part resolve to one table; wrong names are explained.

#include "pipeline/table_names.hpp"

#include <gtest/gtest.h>

#include "support/pipeline_test.hpp"

namespace {

class TableNames : public fmtest::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    pipe = std::make_unique<pipeline::Pipeline>(*connection, prefix);
  }
  std::string error_of(const std::string& name, bool computed) const {
    try {
      computed ? pipeline::resolve_computed_table_name(*pipe, name)
               : pipeline::resolve_table_name(*pipe, name);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  }
  std::unique_ptr<pipeline::Pipeline> pipe;
};

TEST_F(TableNames, EveryFormNamesOneTable) {
  for (const std::string name : {"Session", "session.Session"})
    EXPECT_EQ(pipeline::resolve_table_name(*pipe, name), "session.Session");
  for (const std::string name :
       {"FacialSignal.Pupil", "facial_behavior_estimation.FacialSignal.Pupil"})
    EXPECT_EQ(pipeline::resolve_table_name(*pipe, name),
              "facial_behavior_estimation.FacialSignal.Pupil");
  for (const std::string name : {"FacemapInference", "facemap_inference.FacemapInference"})
    EXPECT_EQ(pipeline::resolve_computed_table_name(*pipe, name),
              "facemap_inference.FacemapInference");
  EXPECT_EQ(pipeline::class_name_of("facial_behavior_estimation.FacialSignal.Pupil"),
            "FacialSignal.Pupil");
}

TEST_F(TableNames, WrongNamesAreExplained) {
  EXPECT_EQ(error_of("FacialSignal.Pupil", true),
            "FacialSignal.Pupil is a part of FacialSignal, which computes it; populate "
            "FacialSignal");
  EXPECT_EQ(error_of("lab.Device", true),
            "Device is a lookup table, which populate does not compute; the tables it computes "
            "are RecordingInfo, FacemapProcessing, FacialSignal, FacemapInference");
  // A part is named with its master; a name is not case-folded or guessed at.
  for (const std::string name : {"Pupil", "session", "subject.Session"}) {
    const std::string error = error_of(name, false);
    EXPECT_EQ(error.rfind("no table is named '" + name + "'; the tables are lab.Device, ", 0), 0u)
        << error;
  }
}

}  // namespace
