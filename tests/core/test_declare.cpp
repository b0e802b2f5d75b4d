// The definition language -> DDL, without a database: type mapping, enum names, parsing
// errors, and the statements of the compat doc's worked example.

#include "dj/declare.hpp"

#include <gtest/gtest.h>

namespace {

dj::ReferencedTable subject_table() {
  dj::ReferencedTable subject;
  subject.heading.schema = "facemap_demo";
  subject.heading.table = "subject";
  dj::Attribute a;
  a.name = "subject";
  a.sql_type = "varchar(8)";
  a.core_type = "varchar(8)";
  a.in_key = true;
  subject.heading.attributes.push_back(a);
  subject.lineage["subject"] = "facemap_demo.subject.subject";
  return subject;
}

dj::ReferencedTable session_table() {
  dj::ReferencedTable session = subject_table();
  session.heading.table = "session";
  dj::Attribute when;
  when.name = "session_datetime";
  when.sql_type = "timestamp without time zone";
  when.core_type = "datetime";
  when.in_key = true;
  session.heading.attributes.push_back(when);
  session.lineage["session_datetime"] = "facemap_demo.session.session_datetime";
  return session;
}

dj::ReferencedTable resolve(const std::string& reference) {
  if (reference == "Subject") return subject_table();
  if (reference == "Session") return session_table();
  throw std::invalid_argument("unknown " + reference);
}

dj::TableDeclaration declare(const std::string& table, dj::Tier tier, const std::string& text) {
  return dj::compile_declaration("facemap_demo", table, tier, dj::parse_definition(table, text),
                                 resolve);
}

}  // namespace

TEST(Declare, EnumTypeNamesFollowDataJoint) {
  EXPECT_EQ(dj::enum_type_name({"M", "F", "U"}), "enum_e54fc739");
  EXPECT_EQ(dj::enum_type_name({"red", "green", "blue"}), "enum_df26d778");
  EXPECT_EQ(dj::enum_type_name({"pending", "reserved", "success", "error", "ignore"}),
            "enum_609a743e");
}

TEST(Declare, MapsMysqlEraTypesToCoreTypes) {
  struct Case {
    const char* declared;
    const char* core;
    const char* sql;
  };
  const Case cases[] = {
      {"tinyint", "int8", "smallint"},
      {"tinyint unsigned", "int16", "smallint"},
      {"smallint", "int16", "smallint"},
      {"smallint unsigned", "int32", "integer"},
      {"int", "int32", "integer"},
      {"int unsigned", "int64", "bigint"},
      {"bigint", "int64", "bigint"},
      {"bigint unsigned", "decimal(20,0)", "numeric(20,0)"},
      {"float", "float32", "real"},
      {"double", "float64", "double precision"},
      {"decimal(8,3)", "decimal(8,3)", "numeric(8,3)"},
      {"bool", "bool", "boolean"},
      {"char(4)", "char(4)", "char(4)"},
      {"varchar(32)", "varchar(32)", "varchar(32)"},
      {"date", "date", "date"},
      {"datetime", "datetime", "timestamp"},
      {"datetime(3)", "datetime(3)", "timestamp(3)"},
      {"timestamp", "datetime", "timestamp"},
      {"time", "", "time"},
      {"json", "json", "jsonb"},
      {"uuid", "uuid", "uuid"},
      {"longblob", "<blob>", "bytea"},
      {"blob", "<blob>", "bytea"},
      {"mediumblob", "<blob>", "bytea"},
      {"<blob>", "<blob>", "bytea"},
      {"attach", "<attach>", "bytea"},
      {"bytes", "bytes", "bytea"},
      {"int32", "int32", "integer"},
      {"float64", "float64", "double precision"},
  };
  for (const auto& c : cases) {
    const auto type = dj::resolve_type(c.declared, "s");
    EXPECT_EQ(type.core, c.core) << c.declared;
    EXPECT_EQ(type.sql, c.sql) << c.declared;
  }
  const auto sex = dj::resolve_type("enum('M', 'F', 'U')", "facemap_demo");
  EXPECT_EQ(sex.core, "enum('M', 'F', 'U')");
  EXPECT_EQ(sex.sql, "\"facemap_demo\".\"enum_e54fc739\"");
  EXPECT_EQ(sex.enum_values, (std::vector<std::string>{"M", "F", "U"}));
  EXPECT_THROW(dj::resolve_type("mediumtext", "s"), dj::DefinitionError);
}

TEST(Declare, SubjectTableMatchesDataJointExactly) {
  const auto d = declare("subject", dj::Tier::manual, R"(
    subject                 : varchar(8)
    ---
    subject_nickname=''     : varchar(64)
    sex                     : enum('M', 'F', 'U')
    subject_birth_date      : date
    subject_description=''  : varchar(1024)
  )");
  EXPECT_EQ(d.create_table,
            "CREATE TABLE IF NOT EXISTS \"facemap_demo\".\"subject\" (\n"
            "\"subject\" varchar(8) NOT NULL,\n"
            "\"subject_nickname\" varchar(64) NOT NULL DEFAULT '',\n"
            "\"sex\" \"facemap_demo\".\"enum_e54fc739\" NOT NULL,\n"
            "\"subject_birth_date\" date NOT NULL,\n"
            "\"subject_description\" varchar(1024) NOT NULL DEFAULT '',\n"
            "PRIMARY KEY (\"subject\")\n) ");
  const std::vector<std::string> post = {
      "COMMENT ON TABLE \"facemap_demo\".\"subject\" IS ''",
      "COMMENT ON COLUMN \"facemap_demo\".\"subject\".\"subject\" IS ':varchar(8):'",
      "COMMENT ON COLUMN \"facemap_demo\".\"subject\".\"subject_nickname\" IS ':varchar(64):'",
      "COMMENT ON COLUMN \"facemap_demo\".\"subject\".\"sex\" IS ':enum(''M'', ''F'', ''U''):'",
      "COMMENT ON COLUMN \"facemap_demo\".\"subject\".\"subject_birth_date\" IS ':date:'",
      "COMMENT ON COLUMN \"facemap_demo\".\"subject\".\"subject_description\" IS "
      "':varchar(1024):'"};
  EXPECT_EQ(d.post_ddl, post);
  ASSERT_EQ(d.enum_types.size(), 1u);
  EXPECT_EQ(d.enum_types[0].first, "enum_e54fc739");
  EXPECT_EQ(d.lineage, (std::vector<std::pair<std::string, std::string>>{
                           {"subject", "facemap_demo.subject.subject"}}));
}

TEST(Declare, ForeignKeysInheritCatalogTypesAndLineage) {
  const auto d = declare("_facial_signal", dj::Tier::imported, R"(
    # Facemap results
    -> Session
    ---
    total_frames : int32   # number of frames
  )");
  EXPECT_EQ(
      d.create_table,
      "CREATE TABLE IF NOT EXISTS \"facemap_demo\".\"_facial_signal\" (\n"
      "\"subject\" varchar(8) NOT NULL,\n"
      "\"session_datetime\" timestamp without time zone NOT NULL,\n"
      "\"total_frames\" integer NOT NULL,\n"
      "PRIMARY KEY (\"subject\", \"session_datetime\"),\n"
      "FOREIGN KEY (\"subject\", \"session_datetime\") REFERENCES \"facemap_demo\".\"session\" "
      "(\"subject\", \"session_datetime\") ON UPDATE CASCADE ON DELETE RESTRICT\n) ");
  EXPECT_EQ(d.post_ddl.front(),
            "COMMENT ON TABLE \"facemap_demo\".\"_facial_signal\" IS 'Facemap results'");
  // Our decision: inherited columns carry the parent's core type comment.
  EXPECT_NE(std::find(d.post_ddl.begin(), d.post_ddl.end(),
                      "COMMENT ON COLUMN \"facemap_demo\".\"_facial_signal\".\"session_datetime\" "
                      "IS ':datetime:'"),
            d.post_ddl.end());
  EXPECT_EQ(d.post_ddl.back(),
            "COMMENT ON COLUMN \"facemap_demo\".\"_facial_signal\".\"total_frames\" IS "
            "':int32:number of frames'");
  EXPECT_EQ(d.lineage, (std::vector<std::pair<std::string, std::string>>{
                           {"subject", "facemap_demo.subject.subject"},
                           {"session_datetime", "facemap_demo.session.session_datetime"}}));
}

TEST(Declare, OptionsRenamesIndexesAndDefaults) {
  const auto d = declare("everything", dj::Tier::manual, R"(
    -> Subject
    id : int
    ---
    -> [nullable] Subject.proj(buddy='subject')
    -> [unique] Subject.proj(best='subject')
    label = "has 'quote'" : varchar(20)   # with "dq"
    flag = 1 : bool
    when = CURRENT_TIMESTAMP : datetime
    note = null : varchar(10)
    index(label, flag)
    unique index(id)
  )");
  const std::string& sql = d.create_table;
  EXPECT_NE(sql.find("\"buddy\" varchar(8),\n"), std::string::npos);
  EXPECT_NE(sql.find("\"best\" varchar(8) NOT NULL,\n"), std::string::npos);
  EXPECT_NE(sql.find("\"label\" varchar(20) NOT NULL DEFAULT 'has ''quote''',\n"),
            std::string::npos);
  EXPECT_NE(sql.find("\"flag\" boolean NOT NULL DEFAULT '1',\n"), std::string::npos);
  EXPECT_NE(sql.find("\"when\" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"),
            std::string::npos);
  EXPECT_NE(sql.find("\"note\" varchar(10) DEFAULT NULL,\n"), std::string::npos);
  EXPECT_NE(
      sql.find("FOREIGN KEY (\"buddy\") REFERENCES \"facemap_demo\".\"subject\" (\"subject\")"),
      std::string::npos);
  const std::vector<std::string> indexes(d.post_ddl.begin(), d.post_ddl.begin() + 4);
  EXPECT_EQ(
      indexes,
      (std::vector<std::string>{
          "CREATE UNIQUE INDEX \"idx_everything_best\" ON \"facemap_demo\".\"everything\" "
          "(\"best\")",
          "CREATE INDEX \"idx_everything_label_flag\" ON \"facemap_demo\".\"everything\" "
          "(\"label\", \"flag\")",
          "CREATE UNIQUE INDEX \"idx_everything_id\" ON \"facemap_demo\".\"everything\" (\"id\")",
          "CREATE INDEX \"idx_everything_buddy\" ON \"facemap_demo\".\"everything\" (\"buddy\")"}));
  EXPECT_NE(std::find(d.post_ddl.begin(), d.post_ddl.end(),
                      "COMMENT ON COLUMN \"facemap_demo\".\"everything\".\"label\" IS "
                      "':varchar(20):with \\\"dq\\\"'"),
            d.post_ddl.end());
}

TEST(Declare, SingletonTablesGetAHiddenKey) {
  const auto d = declare("settings", dj::Tier::manual, "---\nvalue : int\n");
  EXPECT_NE(d.create_table.find("\"_singleton\" boolean NOT NULL DEFAULT TRUE,\n"),
            std::string::npos);
  EXPECT_EQ(d.primary_key, std::vector<std::string>{"_singleton"});
  EXPECT_EQ(d.post_ddl.back(),
            "COMMENT ON COLUMN \"facemap_demo\".\"settings\".\"_singleton\" IS ':bool:singleton "
            "primary key'");
}

TEST(Declare, BadDefinitionsNameTableLineAndReason) {
  const auto message_of = [](const std::string& text, dj::Tier tier = dj::Tier::manual) {
    try {
      declare("broken", tier, text);
    } catch (const dj::DefinitionError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message_of("a : int\n---\nb : foo"),
            "table broken, line 3: unsupported attribute type 'foo'");
  EXPECT_EQ(message_of("A : int"),
            "table broken, line 1 'A : int': invalid attribute name 'A': use lower-case letters, "
            "digits and "
            "'_', starting with a letter, at most 63 characters");
  EXPECT_EQ(message_of("a : int\nno colon here"),
            "table broken, line 2 'no colon here': expected 'name = default : type  # comment'");
  EXPECT_EQ(message_of("-> Nowhere"),
            "table broken, line 1: cannot resolve '-> Nowhere': unknown Nowhere");
  EXPECT_EQ(message_of("a = null : int"),
            "table broken, line 1: primary-key attribute 'a' cannot be nullable");
  EXPECT_EQ(message_of("a : int\n---\nb = 5 : longblob"),
            "table broken, line 3: blob and attach attributes may only default to null");
  EXPECT_EQ(message_of("-> [nullable] Subject"),
            "table broken, line 1 '-> [nullable] Subject': [nullable] is allowed only below '---'");
  EXPECT_EQ(
      message_of("-> Subject\nextra : int", dj::Tier::computed),
      "table broken, line 2: computed and imported tables take their primary key from foreign keys "
      "only; 'extra' is new");
  EXPECT_EQ(message_of("a : int\n---\nb : longblob\nindex(c)"),
            "table broken, line 4: index names unknown attribute 'c'");
  EXPECT_EQ(message_of("a : longblob"),
            "table broken, line 1: a longblob attribute cannot be in the primary key");
}
