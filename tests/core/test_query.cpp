// Queries: restrictions of every kind, join, projection, aggregation, distinct, fetch options.

#include "dj/schema.hpp"

#include <gtest/gtest.h>

#include "support/test_database.hpp"

namespace {

class QueryTest : public fmtest::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    schema = std::make_unique<dj::Schema>(make_schema("dj_query"));
    auto subject = schema->declare(
        "Subject", dj::Tier::manual,
        "subject : varchar(8)\n---\nsex : enum('M', 'F', 'U')\nweight = null : float");
    auto session = schema->declare(
        "Session", dj::Tier::manual,
        "-> Subject\nsession : int\n---\nquality : double\nnote = '' : varchar(32)");
    subject.insert({{{"subject", "m1"}, {"sex", "M"}, {"weight", 20.5}},
                    {{"subject", "m2"}, {"sex", "F"}, {"weight", 18.0}},
                    {{"subject", "m3"}, {"sex", "M"}}});
    session.insert({{{"subject", "m1"}, {"session", 1}, {"quality", 0.9}, {"note", "good"}},
                    {{"subject", "m1"}, {"session", 2}, {"quality", 0.4}, {"note", "it's noisy"}},
                    {{"subject", "m2"}, {"session", 1}, {"quality", 0.7}}});
  }
  std::vector<std::string> subjects(const dj::Query& q) {
    std::vector<std::string> out;
    for (const auto& row : q.fetch()) out.push_back(row.get<std::string>("subject"));
    return out;
  }
  std::unique_ptr<dj::Schema> schema;
};

}  // namespace

TEST_F(QueryTest, RestrictByKeyConditionQueryListsAndNegation) {
  const auto subject = schema->table("Subject");
  const auto session = schema->table("Session");
  EXPECT_EQ(subjects(subject & dj::Row{{"sex", "M"}}), (std::vector<std::string>{"m1", "m3"}));
  EXPECT_EQ(subjects(subject & dj::Row{{"sex", "M"}, {"unrelated", 5}}),
            (std::vector<std::string>{"m1", "m3"}));
  EXPECT_EQ(subjects(subject & "weight > 19"), std::vector<std::string>{"m1"});
  EXPECT_EQ(subjects(subject & dj::Restriction::sql("weight < $1 OR subject = $2", {19.0, "m3"})),
            (std::vector<std::string>{"m2", "m3"}));
  // A value with a quote travels as a parameter, never as SQL text.
  EXPECT_EQ((session & dj::Restriction::sql("note = $1", {"it's noisy"})).count(), 1);
  EXPECT_EQ((session & dj::Row{{"note", "'; DROP TABLE x; --"}}).count(), 0);
  EXPECT_EQ(subjects(subject & session), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(subjects(subject - session), std::vector<std::string>{"m3"});
  EXPECT_EQ(subjects(subject & (session & "quality > 0.8")), std::vector<std::string>{"m1"});
  EXPECT_EQ(subjects(subject & dj::Restriction::any_of({{{"subject", "m2"}}, {{"subject", "m3"}}})),
            (std::vector<std::string>{"m2", "m3"}));
  EXPECT_EQ(subjects(subject & dj::Restriction::any_of({})), std::vector<std::string>{});
  EXPECT_EQ(
      subjects(subject & dj::Restriction::all_of({dj::Row{{"sex", "M"}}, "weight IS NOT NULL"})),
      std::vector<std::string>{"m1"});
  EXPECT_EQ(
      subjects(subject - dj::Restriction::all_of({dj::Row{{"sex", "M"}}, "weight IS NOT NULL"})),
      (std::vector<std::string>{"m2", "m3"}));
  // weight IS NULL for m3: a NULL comparison excludes it both ways, as in DataJoint.
  EXPECT_EQ(subjects(subject - "weight > 19"), (std::vector<std::string>{"m2", "m3"}));
  EXPECT_EQ(subjects((subject & dj::Row{{"sex", "M"}}) & "weight > 19"),
            std::vector<std::string>{"m1"});
}

TEST_F(QueryTest, MalformedRestrictionsGetClearErrors) {
  const auto subject = schema->table("Subject");
  try {
    (subject & "weight >>> 2").fetch();
    FAIL();
  } catch (const dj::QueryError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("fetch from " + schema->name() +
                           ".subject & \"weight >>> 2\": ERROR:  operator does not exist"),
              std::string::npos)
        << message;
  }
  EXPECT_THROW((subject & dj::Restriction::sql("weight > $2", {1.0})).fetch(),
               std::invalid_argument);
  EXPECT_THROW((subject & "note = 'unclosed").count(), std::invalid_argument);
  dj::FetchOptions unknown;
  unknown.attributes = {"nonexistent"};
  EXPECT_THROW(subject.fetch(unknown), std::invalid_argument);
  dj::FetchOptions bad_order;
  bad_order.order_by = {"weight; DROP TABLE x"};
  EXPECT_THROW(subject.fetch(bad_order), std::invalid_argument);
}

TEST_F(QueryTest, JoinProjectAggregate) {
  const auto subject = schema->table("Subject");
  const auto session = schema->table("Session");
  const auto joined = subject * session;
  EXPECT_EQ(joined.count(), 3);
  EXPECT_EQ(joined.heading().primary_key(), (std::vector<std::string>{"subject", "session"}));
  const auto row = (joined & dj::Row{{"subject", "m2"}}).fetch1();
  EXPECT_EQ(row.get<std::string>("sex"), "F");
  EXPECT_DOUBLE_EQ(row.get<double>("quality"), 0.7);

  const auto projected =
      session.proj({"quality"}, {{"animal", "subject"}}, {{"score", "quality * 10"}});
  EXPECT_EQ(projected.heading().names(),
            (std::vector<std::string>{"animal", "session", "quality", "score"}));
  dj::FetchOptions order;
  order.order_by = {"score desc"};
  const auto ranked = projected.fetch(order);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked.front().get<std::string>("animal"), "m1");
  EXPECT_DOUBLE_EQ(ranked.front().get<double>("score"), 9.0);
  EXPECT_FALSE(ranked.front().has("note"));

  const auto counted = subject.aggr(session, {{"n", "count(*)"}, {"best", "max(quality)"}});
  EXPECT_EQ(counted.count(), 2);
  const auto m1 = (counted & dj::Row{{"subject", "m1"}}).fetch1();
  EXPECT_EQ(m1.get<int>("n"), 2);
  EXPECT_DOUBLE_EQ(m1.get<double>("best"), 0.9);
  const auto all = subject.aggr(session, {{"n", "count(*)"}}, true);
  EXPECT_EQ((all & dj::Row{{"subject", "m3"}}).fetch1().get<int>("n"), 0);
  EXPECT_EQ(subjects(counted & "n > 1"), std::vector<std::string>{"m1"});

  const auto summary = session.aggregate({{"n", "count(*)"},
                                          {"mean", "avg(quality)"},
                                          {"lo", "min(quality)"},
                                          {"total", "sum(session)"}});
  EXPECT_EQ(summary.get<int>("n"), 3);
  EXPECT_NEAR(summary.get<double>("mean"), (0.9 + 0.4 + 0.7) / 3, 1e-12);
  EXPECT_DOUBLE_EQ(summary.get<double>("lo"), 0.4);
  EXPECT_EQ(summary.get<int>("total"), 4);
}

TEST_F(QueryTest, DistinctCountExistsAndFetchOptions) {
  const auto subject = schema->table("Subject");
  const auto sexes = subject.distinct({"sex"});
  ASSERT_EQ(sexes.size(), 2u);
  EXPECT_EQ(sexes[0].get<std::string>("sex"), "M");  // enum order: declared order
  EXPECT_EQ(sexes[1].get<std::string>("sex"), "F");
  EXPECT_TRUE(subject.exists());
  EXPECT_FALSE((subject & "false").exists());
  dj::FetchOptions page;
  page.order_by = {"subject desc"};
  page.limit = 1;
  page.offset = 1;
  EXPECT_EQ(subjects(subject.proj()), (std::vector<std::string>{"m1", "m2", "m3"}));
  const auto rows = subject.fetch(page);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].get<std::string>("subject"), "m2");
  EXPECT_EQ(subject.fetch_keys().front().names(), std::vector<std::string>{"subject"});
  EXPECT_THROW(subject.fetch1(), std::runtime_error);
}
