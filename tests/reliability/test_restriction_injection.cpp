// Restriction strings that try SQL injection, through the string-restriction API
// (dj::Restriction from text, Restriction::sql, all_of, negation) and the queries that use
// them (count, fetch, delete). Text that would escape its place in the statement is refused
// with a clear error before anything runs; text that stays inside a quoted literal, and every
// value passed as a parameter or in a key, is harmless: the table is still there and no extra
// row comes back or is deleted.

#include <gtest/gtest.h>

#include "support/test_database.hpp"

namespace {

class RestrictionInjection : public fmtest::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    schema = std::make_unique<dj::Schema>(make_schema("inject"));
    subject = std::make_unique<dj::Table>(
        schema->declare("Subject", dj::Tier::manual, "subject : varchar(64)\n---\nage : int"));
    subject->insert({{{"subject", "a"}, {"age", 1}},
                     {{"subject", "b"}, {"age", 2}},
                     {{"subject", "x"}, {"age", 3}}});
  }
  /// The table is there with its three rows.
  void expect_untouched() {
    ASSERT_TRUE(schema->has_table("Subject"));
    EXPECT_EQ(subject->count(), 3);
  }

  std::unique_ptr<dj::Schema> schema;
  std::unique_ptr<dj::Table> subject;
};

/// Conditions that must be refused, and the words of the reason.
const std::vector<std::pair<std::string, std::string>> kRefused = {
    {"subject = 'x'; DROP TABLE subject", "';' outside quotes"},
    {"1=1) OR (1=1", "closes a parenthesis it did not open"},
    {"(subject = 'a'", "never closed"},
    {"subject = 'a' -- AND age > 100", "SQL comment"},
    {"subject = 'a' /* AND age > 100 */", "SQL comment"},
    {"subject = 'a", "unbalanced ' quote"},
    {"\"subject = 'a'", "unbalanced \" quote"},
    {"subject = $$a$$", "dollar-quoted"},
    {"subject = $q$x'); DROP TABLE subject; --$q$", "dollar-quoted"},
    // E'\'' is one quote character: what follows is outside the string, a comment.
    {"subject = E'\\'' OR 1=1 --'", "SQL comment"},
    {std::string("subject = 'a'\0) OR (1=1", 23), "NUL"},
};

}  // namespace

TEST_F(RestrictionInjection, EscapingConditionsAreRefusedBeforeAnythingRuns) {
  for (const auto& [condition, reason] : kRefused) {
    SCOPED_TRACE(condition);
    const auto expect_refused = [&, &reason = reason](const std::function<void()>& attempt) {
      try {
        attempt();
        ADD_FAILURE() << "accepted";
      } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        EXPECT_EQ(message.find("restriction '"), 0u) << message;
        EXPECT_NE(message.find(reason), std::string::npos) << message;
      }
    };
    expect_refused([&] { (*subject & condition).fetch(); });
    expect_refused([&] { (*subject - condition).count(); });
    expect_refused([&] { dj::Restriction::sql(condition + " AND age > $1", {0}); });
    expect_refused([&] {
      (*subject & dj::Restriction::all_of({dj::Row{{"subject", "a"}}, condition})).delete_rows();
    });
    expect_untouched();
  }
}

TEST_F(RestrictionInjection, QuotedAndParameterisedAttacksAreHarmless) {
  // Inside a well-formed literal the attack is only text: no subject has that name.
  for (const std::string condition :
       {"subject = 'x''; DROP TABLE subject; --'", "subject = 'a'' OR ''1''=''1'",
        "subject = '1=1) OR (1=1'", "subject = 'it''s -- not /* a */ comment; $$'"}) {
    SCOPED_TRACE(condition);
    EXPECT_EQ((*subject & condition).count(), 0);
    EXPECT_EQ((*subject - condition).count(), 3);
  }
  // Values passed as parameters or in keys never become SQL.
  for (const std::string value :
       {"x'; DROP TABLE subject; --", "' OR '1'='1", "1=1) OR (1=1", "$$ OR TRUE $$", "a\\'"}) {
    SCOPED_TRACE(value);
    EXPECT_EQ((*subject & dj::Restriction::sql("subject = $1", {value})).count(), 0);
    EXPECT_EQ((*subject & dj::Row{{"subject", value}}).count(), 0);
    EXPECT_EQ((*subject & dj::Row{{"subject", value}}).delete_rows().total(), 0);
  }
  expect_untouched();
}

TEST_F(RestrictionInjection, OrdinaryConditionsStillWork) {
  EXPECT_EQ((*subject & "subject = 'a'").count(), 1);
  EXPECT_EQ((*subject & "\"subject\" IN ('a', 'b') AND (age > 1 OR age < 0)").count(), 1);
  EXPECT_EQ((*subject & "subject ~ '^[ab]$'").count(), 2);
  EXPECT_EQ((*subject & dj::Restriction::sql("age >= $1 AND subject <> $2", {2, "x"})).count(), 1);
  EXPECT_EQ((*subject & !dj::Restriction("age = 1")).count(), 2);
  EXPECT_EQ((*subject & dj::Restriction::all_of({dj::Row{{"subject", "a"}}, "age = 1 OR age = 3"}))
                .count(),
            1);
}
