// Cascading delete from the foreign-key graph: leaves first, one transaction, part integrity,
// dry runs with counts per table.

#include "dj/schema.hpp"

#include <gtest/gtest.h>

#include "support/test_database.hpp"

namespace {

class DeleteTest : public fmtest::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    schema = std::make_unique<dj::Schema>(make_schema("dj_delete"));
    schema->declare("Subject", dj::Tier::manual, "subject : varchar(8)");
    schema->declare("Session", dj::Tier::manual, "-> Subject\nsession : int");
    schema->declare("Signal", dj::Tier::imported, "-> Session\n---\nn : int");
    schema->declare_part("Signal", "Region", "-> master\nroi : int");
    schema->declare("Buddy", dj::Tier::manual,
                    "-> Subject\n---\n-> [nullable] Subject.proj(friend='subject')");
    dj::InsertOptions allow;
    allow.allow_direct_insert = true;
    schema->table("Subject").insert({{{"subject", "a"}}, {{"subject", "b"}}});
    schema->table("Session").insert({{{"subject", "a"}, {"session", 1}},
                                     {{"subject", "a"}, {"session", 2}},
                                     {{"subject", "b"}, {"session", 1}}});
    schema->table("Signal").insert({{{"subject", "a"}, {"session", 1}, {"n", 5}},
                                    {{"subject", "b"}, {"session", 1}, {"n", 6}}},
                                   allow);
    schema->table("Signal.Region")
        .insert({{{"subject", "a"}, {"session", 1}, {"roi", 0}},
                 {{"subject", "a"}, {"session", 1}, {"roi", 1}},
                 {{"subject", "b"}, {"session", 1}, {"roi", 0}}},
                allow);
    schema->table("Buddy").insert({{{"subject", "b"}, {"friend", "a"}}});
  }
  std::unique_ptr<dj::Schema> schema;
};

}  // namespace

TEST_F(DeleteTest, DryRunCountsEveryTableAndDeletesNothing) {
  dj::DeleteOptions dry;
  dry.dry_run = true;
  const auto result = (schema->table("Subject") & dj::Row{{"subject", "a"}}).delete_rows(dry);
  const std::string s = "\"" + schema->name() + "\".";
  const std::vector<std::pair<std::string, long long>> expected = {
      {s + "\"_signal__region\"", 2},
      {s + "\"_signal\"", 1},
      {s + "\"session\"", 2},
      {s + "\"buddy\"", 1},  // through the renamed foreign key: b's friend is a
      {s + "\"subject\"", 1}};
  EXPECT_EQ(result.counts, expected);
  EXPECT_EQ(result.total(), 7);
  EXPECT_EQ(schema->table("Signal.Region").count(), 3);
}

TEST_F(DeleteTest, CascadesLeavesFirstInOneTransaction) {
  const auto result = (schema->table("Subject") & dj::Row{{"subject", "a"}}).delete_rows();
  EXPECT_EQ(result.total(), 7);
  EXPECT_EQ(schema->table("Subject").count(), 1);
  EXPECT_EQ(schema->table("Session").count(), 1);
  EXPECT_EQ(schema->table("Signal.Region").count(), 1);
  EXPECT_EQ(schema->table("Buddy").count(), 0);
}

TEST_F(DeleteTest, RefusesPartsWithoutTheirMaster) {
  const auto region = schema->table("Signal.Region") & dj::Row{{"roi", 1}};
  EXPECT_THROW(region.delete_rows(), std::logic_error);
  EXPECT_EQ(schema->table("Signal.Region").count(), 3);
  dj::DeleteOptions force;
  force.force_parts = true;
  EXPECT_EQ(region.delete_rows(force).total(), 1);
  // Deleting the master takes its parts along.
  EXPECT_EQ((schema->table("Signal") & dj::Row{{"subject", "b"}}).delete_rows().total(), 2);
}

TEST_F(DeleteTest, OnlyRestrictionsOfOneTableCanBeDeleted) {
  const auto joined = schema->table("Subject") * schema->table("Session");
  EXPECT_THROW(joined.delete_rows(), std::logic_error);
  const auto nothing = (schema->table("Session") & "session > 100").delete_rows();
  EXPECT_EQ(nothing.total(), 0);
}

TEST_F(DeleteTest, BeforeDeleteSeesTheKeysWhileTheirRowsStand) {
  const std::string signal = "\"" + schema->name() + "\".\"_signal\"";
  const std::string absent = "\"" + schema->name() + "\".\"buddy_of_nobody\"";
  dj::DeleteOptions options;
  options.keys_of = {signal, absent};
  std::vector<dj::Row> keys;
  long long sessions_seen = -1;
  options.before_delete = [&](const dj::DeletedKeys& deleted) {
    EXPECT_TRUE(deleted.at(absent).empty());
    keys = deleted.at(signal);
    // Read through the connection: inside the delete's transaction, before the rows go.
    sessions_seen = (schema->table("Session") & dj::Row{{"subject", "a"}}).count();
  };
  EXPECT_EQ((schema->table("Subject") & dj::Row{{"subject", "a"}}).delete_rows(options).total(), 7);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys.front().get<std::string>("subject"), "a");
  EXPECT_EQ(keys.front().get<int>("session"), 1);
  EXPECT_EQ(sessions_seen, 2);

  // A callback that throws rolls the whole delete back.
  options.keys_of = {signal};
  options.before_delete = [](const dj::DeletedKeys&) {
    throw std::runtime_error("changed my mind");
  };
  EXPECT_THROW((schema->table("Subject") & dj::Row{{"subject", "b"}}).delete_rows(options),
               std::runtime_error);
  EXPECT_EQ(schema->table("Subject").count(), 1);
  EXPECT_EQ(schema->table("Signal").count(), 1);
}
