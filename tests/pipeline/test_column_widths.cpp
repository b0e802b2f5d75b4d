// A database that the previous version declared (subject varchar(8), file_path varchar(255), ...)
// is widened to today's definitions, the foreign-key columns below included, keeping its rows.

#include <algorithm>
#include <map>
#include <regex>

#include <gtest/gtest.h>

#include "dj/alter.hpp"
#include "dj/jobs.hpp"
#include "dj/table.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/migrations.hpp"
#include "pipeline/sql_helpers.hpp"
#include "support/command.hpp"
#include "support/pipeline_test.hpp"

namespace {

// What the previous version declared, where today's definitions are wider.
const std::map<std::string, std::string> kPreviousTypes = {
    {"device", "varchar(32)"},
    {"subject", "varchar(8)"},
    {"session_dir", "varchar(256)"},
    {"file_path", "varchar(255)"},
    {"facemap_output_dir", "varchar(255)"},
    {"body_part", "varchar(32)"},
    {"model_name", "varchar(64)"},
    {"facemap_inference_output_dir", "varchar(255)"}};

const std::string kSubjectComment =
    "the lab identifier, up to 64 characters, for colony and LIMS ids or a UUID with a prefix";

/// A definition with the previous version's types.
std::string previous_definition(std::string definition) {
  for (const auto& [name, type] : kPreviousTypes) {
    const std::regex line("(^|\\n)(" + name + "\\s*(=[^:\\n]*)?:\\s*)varchar\\(\\d+\\)");
    definition = std::regex_replace(definition, line, "$1$2" + type);
  }
  return definition;
}

class ColumnWidths : public fmtest::PipelineTest {
 protected:
  void TearDown() override {
    pqxx::nontransaction(connection->native())
        .exec("DROP SCHEMA IF EXISTS \"" + prefix + "views\" CASCADE");
    PipelineTest::TearDown();
  }

  /// Declares the pipeline's schemas as the previous version did.
  void declare_previous_version() {
    std::map<std::string, dj::Schema> declared;
    for (const auto& spec : pipeline::builtin_schemas()) {
      dj::Schema schema(*connection, prefix + spec.name);
      for (const auto& used : spec.uses) schema.link(used, declared.at(used));
      for (const auto& table : spec.tables) {
        const std::string definition = previous_definition(table.definition);
        if (table.tier == dj::Tier::part)
          schema.declare_part(table.master, table.class_name, definition);
        else if (table.tier == dj::Tier::lookup)
          schema.declare_lookup(table.class_name, definition, table.contents);
        else
          schema.declare(table.class_name, table.tier, definition);
      }
      declared.emplace(spec.name, schema);
    }
  }

  /// "type comment" of a column, as the catalog holds them.
  std::string column(const std::string& schema, const std::string& table, const std::string& name) {
    pqxx::nontransaction work(connection->native());
    const auto row = work.exec_params1(
        "SELECT format_type(a.atttypid, a.atttypmod), col_description(a.attrelid, a.attnum) "
        "FROM pg_attribute a WHERE a.attrelid = format('%I.%I', $1::text, $2::text)::regclass "
        "AND a.attname = $3",
        prefix + schema, table, name);
    return row[0].as<std::string>() + " " + row[1].as<std::string>("");
  }
};

}  // namespace

TEST_F(ColumnWidths, PreviousDefinitionsAreWidenedWithTheKeysThatReferenceThem) {
  declare_previous_version();
  ASSERT_EQ(column("subject", "subject", "subject"),
            "character varying(8) :varchar(8):" + kSubjectComment);
  {
    pipeline::Pipeline previous(*connection, prefix);
    pipeline::ingest(previous, {{"m1",
                                 "M",
                                 "2024-01-01",
                                 "",
                                 "2024-05-06 07:08:09",
                                 "m1/s1",
                                 0,
                                 "camera0",
                                 {"m1/s1/face.avi"}}});
    pipeline::install_sql_helpers(previous);  // views over the columns to widen
    dj::JobTable jobs(previous.table("facial_behavior_estimation.RecordingInfo"));
    // What a lab's identifier gets from the previous version: refused by the old width.
    EXPECT_THROW(
        previous.table("subject.Subject")
            .insert1(
                {{"subject", "JAX-2024-0117"}, {"sex", "F"}, {"subject_birth_date", "2024-01-17"}}),
        dj::InsertError);
  }

  pipeline::Pipeline pipe(*connection, prefix);
  const auto widened = pipeline::migrate_column_widths(pipe);
  pipeline::install_sql_helpers(pipe);
  // Each declared column, and the key columns below it (one of each kind shown here).
  for (const char* name :
       {"subject.subject.subject", "session.session.subject",
        "facial_behavior_estimation.video_recording.subject",
        "facial_behavior_estimation.video_recording__file.subject",
        "facial_behavior_estimation.video_recording__file.file_path",
        "facial_behavior_estimation._facial_signal__motion_s_v_d.subject",
        "facemap_inference.__facemap_inference__body_part_position.body_part",
        "facial_behavior_estimation.video_recording.device", "lab.#device.device",
        "session.session_directory.session_dir", "facemap_inference.facemap_model.model_name"}) {
    EXPECT_NE(std::find(widened.begin(), widened.end(), prefix + name), widened.end()) << name;
  }
  EXPECT_EQ(column("subject", "subject", "subject"),
            "character varying(64) :varchar(64):" + kSubjectComment);
  EXPECT_EQ(column("facial_behavior_estimation", "_facial_signal__motion_s_v_d", "subject"),
            "character varying(64) :varchar(64):");
  EXPECT_EQ(column("facial_behavior_estimation", "video_recording__file", "file_path"),
            "character varying(1024) :varchar(1024):relative to a data root, up to 1024 characters "
            "for deep folder trees");
  EXPECT_EQ(column("facemap_inference", "__facemap_inference__body_part_position", "body_part"),
            "character varying(64) :varchar(64):");
  // A job table copies its target's key types, without a foreign key: it follows too.
  EXPECT_EQ(column("facial_behavior_estimation", "~~recording_info", "subject"),
            "character varying(64) :varchar(64):");

  // The rows are kept, a lab's identifier now fits, and the views are back.
  EXPECT_EQ(pipe.table("facial_behavior_estimation.VideoRecording.File").count(), 1);
  pipeline::ingest(pipe, {{"JAX-2024-0117",
                           "F",
                           "2024-01-17",
                           "",
                           "2024-05-06 07:08:09",
                           "",
                           0,
                           "camera0",
                           {"JAX-2024-0117/face.avi"}}});
  EXPECT_EQ(pipe.table("facial_behavior_estimation.VideoRecording").count(), 2);
  {
    pqxx::nontransaction work(connection->native());
    EXPECT_EQ(work.exec1("SELECT count(*) FROM \"" + prefix + "views\".recording")[0].as<int>(), 2);
  }
  // Idempotent: nothing is left to widen.
  EXPECT_TRUE(pipeline::migrate_column_widths(pipe).empty());
}

TEST_F(ColumnWidths, InitMigratesAPreviousDatabase) {
  declare_previous_version();
  {
    pipeline::Pipeline previous(*connection, prefix);
    pipeline::install_sql_helpers(previous);
  }
  const std::vector<std::string> environment = {"DATABASE_URL=" + fmtest::database_url(),
                                                "FMPIPE_SCHEMA_PREFIX=" + prefix};
  const std::string fmpipe = std::string(FMPIPE_BINARY_DIR) + "/fmpipe";
  auto result = fmtest::run_command({fmpipe, "init"}, environment);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  // subject in 19 tables, device in 2, body_part in 3, and five columns of their own.
  EXPECT_NE(result.output.find("widened 29 column(s) to today's definitions"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find(prefix + "views (SQL helpers)"), std::string::npos) << result.output;
  EXPECT_EQ(column("facial_behavior_estimation", "_facial_signal__region", "subject"),
            "character varying(64) :varchar(64):");
  result = fmtest::run_command({fmpipe, "init"}, environment);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output.find("widened"), std::string::npos) << result.output;
}

TEST_F(ColumnWidths, NothingIsNarrowedAndOnlyTextIsWidened) {
  pipeline::Pipeline pipe(*connection, prefix);
  const dj::Table subject = pipe.table("subject.Subject");
  dj::Connection::Transaction transaction(*connection);
  EXPECT_THROW(dj::widen_column(transaction.native(), subject.schema_name(), "subject", "subject",
                                "varchar(8)"),
               std::invalid_argument);
  EXPECT_THROW(dj::widen_column(transaction.native(), subject.schema_name(), "subject",
                                "subject_birth_date", "varchar(80)"),
               std::invalid_argument);
  EXPECT_THROW(
      dj::widen_column(transaction.native(), subject.schema_name(), "subject", "subject", "text"),
      std::invalid_argument);
}
