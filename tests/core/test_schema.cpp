// Schemas against a real PostgreSQL: declaration as DataJoint writes it, the catalog read
// back (also by a second process), lineage, lookups, parts, describe, drop, diagrams.

#include "dj/schema.hpp"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "support/test_database.hpp"

namespace {

class SchemaTest : public fmtest::DatabaseTest {
 protected:
  /// The lab/subject/session/facial-signal example of the compat doc.
  dj::Schema declare_example() {
    dj::Schema schema = make_schema("dj_example");
    schema.declare("Subject", dj::Tier::manual, R"(
      subject                 : varchar(8)
      ---
      subject_nickname=''     : varchar(64)
      sex                     : enum('M', 'F', 'U')
      subject_birth_date      : date
      subject_description=''  : varchar(1024)
    )");
    schema.declare("Session", dj::Tier::manual, R"(
      -> Subject
      session_datetime: datetime
      ---
      session_id=null: int
    )");
    schema.declare("FacialSignal", dj::Tier::imported, R"(
      # Facemap results
      -> Session
      ---
      total_frames : int32   # number of frames
    )");
    schema.declare_part("FacialSignal", "Region", R"(
      -> master
      roi_no : int   # Region number
      ---
      roi_name='' : varchar(16) # user-friendly name of the roi
      motion=null : longblob  # motion energies (nframes)
    )");
    schema.declare_part("FacialSignal", "MotionSVD", R"(
      -> master.Region
      component_id : int   # component number
      ---
      singular_value=null : float
      motmask    : longblob   # (y, x)
    )");
    return schema;
  }

  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    pqxx::nontransaction work(connection->native());
    std::vector<std::vector<std::string>> out;
    for (const auto& row : work.exec(sql)) {
      std::vector<std::string> values;
      for (const auto& field : row) values.push_back(field.is_null() ? "NULL" : field.c_str());
      out.push_back(values);
    }
    return out;
  }
};

}  // namespace

TEST_F(SchemaTest, DeclaresTablesWithDataJointNamesTypesAndComments) {
  dj::Schema schema = declare_example();
  const std::string s = schema.name();
  const auto tables =
      rows("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + s +
           "' ORDER BY table_name");
  EXPECT_EQ(tables, (std::vector<std::vector<std::string>>{{"_facial_signal"},
                                                           {"_facial_signal__motion_s_v_d"},
                                                           {"_facial_signal__region"},
                                                           {"session"},
                                                           {"subject"},
                                                           {"~lineage"}}));
  const auto columns =
      rows("SELECT column_name, data_type, is_nullable, col_description(('\"" + s +
           "\".\"_facial_signal__motion_s_v_d\"')::regclass, ordinal_position) FROM "
           "information_schema.columns "
           "WHERE table_schema = '" +
           s + "' AND table_name = '_facial_signal__motion_s_v_d' ORDER BY ordinal_position");
  EXPECT_EQ(columns, (std::vector<std::vector<std::string>>{
                         {"subject", "character varying", "NO", ":varchar(8):"},
                         {"session_datetime", "timestamp without time zone", "NO", ":datetime:"},
                         {"roi_no", "integer", "NO", ":int32:"},
                         {"component_id", "integer", "NO", ":int32:component number"},
                         {"singular_value", "real", "YES", ":float32:"},
                         {"motmask", "bytea", "NO", ":<blob>:(y, x)"}}));
  EXPECT_EQ(
      rows("SELECT obj_description(('\"" + s + "\".\"_facial_signal\"')::regclass, 'pg_class')"),
      (std::vector<std::vector<std::string>>{{"Facemap results"}}));
  const auto lineage =
      rows("SELECT attribute_name, lineage FROM \"" + s +
           "\".\"~lineage\" WHERE table_name = '_facial_signal__motion_s_v_d' ORDER BY 1");
  EXPECT_EQ(lineage, (std::vector<std::vector<std::string>>{
                         {"component_id", s + "._facial_signal__motion_s_v_d.component_id"},
                         {"roi_no", s + "._facial_signal__region.roi_no"},
                         {"session_datetime", s + ".session.session_datetime"},
                         {"subject", s + ".subject.subject"}}));
  EXPECT_EQ(rows("SELECT count(*) FROM \"" + s + "\".\"~lineage\""),
            (std::vector<std::vector<std::string>>{{"12"}}));
}

TEST_F(SchemaTest, SecondOpenReadsEverythingFromTheCatalog) {
  dj::Schema declared = declare_example();
  dj::Connection other(fmtest::database_url());
  dj::Schema opened(other, declared.name(), false);
  EXPECT_EQ(opened.class_names(),
            (std::vector<std::string>{"Subject", "Session", "FacialSignal", "FacialSignal.Region",
                                      "FacialSignal.MotionSVD"}));
  const auto motion = opened.table("FacialSignal.MotionSVD");
  EXPECT_EQ(motion.tier(), dj::Tier::part);
  EXPECT_EQ(motion.heading().primary_key(),
            (std::vector<std::string>{"subject", "session_datetime", "roi_no", "component_id"}));
  EXPECT_EQ(motion.heading().at("motmask").category, dj::TypeCategory::blob);
  EXPECT_EQ(motion.heading().at("singular_value").category, dj::TypeCategory::floating);
  EXPECT_EQ(opened.table("Subject").heading().at("sex").enum_values,
            (std::vector<std::string>{"M", "F", "U"}));
  EXPECT_EQ(opened.table("Session").describe(),
            "-> Subject\nsession_datetime : datetime\n---\nsession_id=null : int32\n");
  EXPECT_EQ(opened.table("Subject").describe(),
            "subject : varchar(8)\n---\nsubject_nickname=\"\" : varchar(64)\n"
            "sex : enum('M', 'F', 'U')\nsubject_birth_date : date\nsubject_description=\"\" : "
            "varchar(1024)\n");
  EXPECT_EQ(opened.table("FacialSignal.MotionSVD").describe(),
            "-> FacialSignal.Region\ncomponent_id : int32  # component number\n---\n"
            "singular_value=null : float32\nmotmask : <blob>  # (y, x)\n");
}

TEST_F(SchemaTest, AnotherProcessOpensTheSchemaFromTheCatalogAlone) {
  dj::Schema declared = declare_example();
  // fmpipe is a separate program: it must see the tables through its own connection.
  const std::string command = std::string("DATABASE_URL='") + fmtest::database_url() + "' " +
                              FMPIPE_BINARY_DIR + "/fmpipe sql \"SELECT count(*) FROM \\\"" +
                              declared.name() + "\\\".\\\"~lineage\\\"\" > /tmp/fmpipe_sql_" +
                              declared.name() + ".txt";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream out("/tmp/fmpipe_sql_" + declared.name() + ".txt");
  std::string header, count;
  std::getline(out, header);
  std::getline(out, count);
  EXPECT_EQ(count, "12");
}

TEST_F(SchemaTest, RedeclaringAnExistingTableKeepsIt) {
  dj::Schema schema = declare_example();
  auto subject = schema.table("Subject");
  subject.insert1({{"subject", "m1"}, {"sex", "M"}, {"subject_birth_date", "2024-01-02"}});
  dj::Connection other(fmtest::database_url());
  dj::Schema again(other, schema.name());
  again.declare("Subject", dj::Tier::manual,
                "subject : varchar(8)\n---\nsex : enum('M', 'F', 'U')");
  EXPECT_EQ(again.table("Subject").count(), 1);
}

TEST_F(SchemaTest, LookupContentsAreInsertedOnce) {
  dj::Schema schema = make_schema("dj_lookup");
  const std::vector<dj::Row> contents = {{{"device", "cam0"}, {"modality", "ir"}},
                                         {{"device", "cam1"}, {"modality", "visible"}}};
  schema.declare_lookup("Device", "device : varchar(32)\n---\nmodality : varchar(64)", contents);
  schema.declare_lookup("Device", "device : varchar(32)\n---\nmodality : varchar(64)", contents);
  const auto device = schema.table("Device");
  EXPECT_EQ(device.table_name(), "#device");
  EXPECT_EQ(device.tier(), dj::Tier::lookup);
  EXPECT_EQ(device.count(), 2);
}

TEST_F(SchemaTest, CrossSchemaReferencesAndEnumInheritance) {
  dj::Schema lab = make_schema("dj_lab");
  lab.declare("Rig", dj::Tier::manual, "rig : varchar(8)\nkind : enum('a', 'b')");
  dj::Schema experiment = make_schema("dj_exp");
  experiment.link("lab", lab);
  auto run = experiment.declare("Run", dj::Tier::manual, "-> lab.Rig\nrun : int");
  EXPECT_EQ(run.heading().at("kind").sql_type, "\"" + lab.name() + "\".\"enum_dbf08e00\"");
  EXPECT_EQ(run.describe(), "-> " + lab.name() + ".Rig\nrun : int32\n");
  // Dropping a schema that others depend on is refused.
  EXPECT_THROW(lab.drop(), std::logic_error);
}

TEST_F(SchemaTest, DropRemovesDependentsChildrenFirst) {
  dj::Schema schema = declare_example();
  schema.table("Session").drop();
  schema.refresh();
  EXPECT_EQ(schema.class_names(), std::vector<std::string>{"Subject"});
  EXPECT_EQ(rows("SELECT DISTINCT table_name FROM \"" + schema.name() + "\".\"~lineage\""),
            (std::vector<std::vector<std::string>>{{"subject"}}));
}

TEST_F(SchemaTest, DiagramsShowTiersAndEdges) {
  dj::Schema schema = declare_example();
  const auto graph = schema.dependencies();
  const std::string dot = graph.to_dot();
  EXPECT_NE(dot.find("label=\"" + schema.name() + ".Session\", shape=box"), std::string::npos);
  EXPECT_NE(dot.find("label=\"" + schema.name() + ".FacialSignal.MotionSVD\", shape=plaintext"),
            std::string::npos);
  EXPECT_NE(dot.find("t0 -> t1 [style=solid]"), std::string::npos);
  const std::string mermaid = graph.to_mermaid();
  EXPECT_EQ(mermaid.rfind("flowchart TB\n", 0), 0u);
  EXPECT_NE(mermaid.find("t1 --> t2"), std::string::npos);
  EXPECT_EQ(graph.edges().size(), 4u);
}

TEST_F(SchemaTest, BadDefinitionsLeaveNoTable) {
  dj::Schema schema = make_schema("dj_bad");
  EXPECT_THROW(schema.declare("Broken", dj::Tier::manual, "a : int\n---\nb : nonsense"),
               dj::DefinitionError);
  EXPECT_FALSE(schema.has_table("Broken"));
  EXPECT_THROW(dj::Schema(*connection, "Bad-Name"), std::invalid_argument);
}
