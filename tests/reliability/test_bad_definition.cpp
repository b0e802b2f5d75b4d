// Malformed and hostile table definitions through dj::Schema::declare: each is refused with a
// DefinitionError (or std::invalid_argument for a bad class name) naming the table and the
// reason, and the database is left as it was: no table, enum type or lineage row half-made,
// and the table the injections aim at keeps its rows. Hostile text in comments is harmless:
// the table is declared and the comment is stored verbatim.

#include <gtest/gtest.h>

#include "dj/declare.hpp"
#include "support/test_database.hpp"

namespace {

/// A malformed definition and what its error must say.
struct BadDefinition {
  std::string name;
  std::string definition;
  std::string reason;
};

class BadDefinitions : public fmtest::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    schema = std::make_unique<dj::Schema>(make_schema("baddef"));
    victim = std::make_unique<dj::Table>(
        schema->declare("Victim", dj::Tier::manual, "id : int\n---\nnote : varchar(32)"));
    victim->insert({{{"id", 1}, {"note", "one"}}, {{"id", 2}, {"note", "two"}}});
  }

  /// Every relation, enum type and lineage row of the schema, as sorted text.
  std::vector<std::string> catalog() {
    pqxx::nontransaction work(connection->native());
    const auto rows = work.exec_params(
        "SELECT c.relkind::text || ' ' || c.relname FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE n.nspname = $1 "
        "UNION ALL SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n "
        "ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typtype = 'e' "
        "UNION ALL SELECT 'lineage ' || table_name || '.' || attribute_name FROM " +
            dj::qualified_name(schema->name(), "~lineage") + " ORDER BY 1",
        schema->name());
    std::vector<std::string> names;
    for (const auto& row : rows) names.push_back(row[0].as<std::string>());
    return names;
  }

  /// The schema-qualified name of the victim table, as an injection would write it.
  std::string victim_sql() const { return dj::qualified_name(schema->name(), "victim"); }

  std::unique_ptr<dj::Schema> schema;
  std::unique_ptr<dj::Table> victim;
};

}  // namespace

TEST_F(BadDefinitions, AreRefusedWithClearErrorsAndChangeNothing) {
  const std::string stray = dj::qualified_name(schema->name(), "stray");
  const std::vector<BadDefinition> bad = {
      {"unknown type", "id : int\n---\nx : frobnicate", "unsupported attribute type 'frobnicate'"},
      {"bad foreign key", "-> NoSuchParent\nid : int", "cannot resolve '-> NoSuchParent'"},
      {"duplicate attribute", "id : int\n---\nx : int\nx : float",
       "attribute 'x' is declared twice"},
      {"injection in an attribute name", "id : int\n---\nx; DROP TABLE " + victim_sql() + " : int",
       "invalid attribute name"},
      {"injection in a quoted attribute name",
       "id : int\n---\nx\"; DROP TABLE " + victim_sql() + "; -- : int",
       "expected 'name = default : type"},
      // Before the fix, this default's quotes passed the check, and the server ran the DROP.
      {"injection in a quoted default",
       "id : int\n---\nx = 'a'''); DROP TABLE " + victim_sql() + "; CREATE TABLE " + stray +
           " (\"id\" int, y text default '''' : varchar(10)",
       "is not a single quoted literal"},
      {"injection after CURRENT_TIMESTAMP",
       "id : int\n---\nt = CURRENT_TIMESTAMP(0)); DROP TABLE " + victim_sql() + "; CREATE TABLE " +
           stray + " (\"id\" int : datetime",
       "is not CURRENT_TIMESTAMP"},
      {"injection in an enum value",
       "id : int\n---\ne : enum('a', 'b''); DROP TABLE " + victim_sql() + "; --')",
       "holds a quote"},
      {"NUL in a comment", std::string("id : int  # a\0b", 15), "NUL"},
      // The enum type is made first; the server then refuses varchar(0): both must roll back.
      {"refused by the server after an enum", "id : int\n---\ne : enum('p', 'q')\ns : varchar(0)",
       "the server refused its declaration"},
  };
  const auto before = catalog();
  for (const auto& b : bad) {
    SCOPED_TRACE(b.name);
    try {
      schema->declare("Bad", dj::Tier::manual, b.definition);
      ADD_FAILURE() << "declared";
    } catch (const dj::DefinitionError& e) {
      const std::string message = e.what();
      // Parse errors name the class, later ones the table ("bad").
      EXPECT_TRUE(message.find("table Bad") == 0 || message.find("table bad") == 0) << message;
      EXPECT_NE(message.find(b.reason), std::string::npos) << message;
    }
    EXPECT_EQ(catalog(), before);
    EXPECT_EQ(victim->count(), 2);
  }
  EXPECT_FALSE(schema->has_table("Bad"));
}

TEST_F(BadDefinitions, HostileClassNamesAreRefused) {
  const auto before = catalog();
  for (const std::string name :
       {"Bad\"; DROP TABLE victim; --", "bad", "Bad Name", "Bad_Name", "Bäd", ""}) {
    SCOPED_TRACE(name);
    try {
      schema->declare(name, dj::Tier::manual, "id : int");
      ADD_FAILURE() << "declared";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("invalid table class name"), std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(catalog(), before);
}

TEST_F(BadDefinitions, HostileCommentsAreStoredVerbatim) {
  const std::string attack = "'); DROP TABLE " + victim_sql() + "; -- \"quoted\" \\ $$ x";
  const dj::Table table = schema->declare("Commented", dj::Tier::manual,
                                          "# " + attack + "\nid : int\n---\nx : int  # " + attack);
  EXPECT_EQ(victim->count(), 2);
  pqxx::nontransaction work(connection->native());
  const auto table_comment =
      work.exec_params1("SELECT obj_description(to_regclass($1), 'pg_class')",
                        dj::qualified_name(schema->name(), table.table_name()))[0];
  EXPECT_EQ(table_comment.as<std::string>(), attack);
  // Column comments carry DataJoint's ":type:" prefix and its '\"' for every '"'.
  const auto column_comment =
      work.exec_params1("SELECT col_description(to_regclass($1), 2)",
                        dj::qualified_name(schema->name(), table.table_name()))[0];
  EXPECT_EQ(column_comment.as<std::string>(), ":int32:'); DROP TABLE \\\"" + schema->name() +
                                                  "\\\".\\\"victim\\\"; -- \\\"quoted\\\" \\ $$ x");
}
