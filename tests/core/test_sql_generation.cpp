// The SQL that query expressions generate, built on headings made in memory (no server): the
// exact text and parameters of restrictions (keys, conditions, AND/OR lists, negation,
// semijoins), joins, projections with renames and computed attributes, aggregation, and the
// statements that read a relation. As datajoint-python's tests/unit/test_condition.py checks its
// WHERE clauses; tests/core/test_query.cpp runs the same expressions on a server.

#include <gtest/gtest.h>

#include "dj/relation.hpp"

namespace {

dj::Attribute attribute(const std::string& name, const std::string& sql_type,
                        dj::TypeCategory category, bool in_key, bool nullable = false) {
  dj::Attribute a;
  a.name = name;
  a.sql_type = sql_type;
  a.category = category;
  a.in_key = in_key;
  a.nullable = nullable;
  return a;
}

/// lab.subject: subject (key), sex, weight (nullable), and a hidden _stamp.
dj::Relation subject() {
  auto h = std::make_shared<dj::Heading>();
  h->schema = "lab";
  h->table = "subject";
  h->attributes = {attribute("subject", "character varying(8)", dj::TypeCategory::string, true),
                   attribute("sex", "\"lab\".\"enum_sex\"", dj::TypeCategory::enumeration, false),
                   attribute("weight", "real", dj::TypeCategory::floating, false, true),
                   attribute("_stamp", "timestamp", dj::TypeCategory::datetime, false)};
  return dj::Relation::of_table(h);
}

/// lab.session: subject and session (key), quality, note.
dj::Relation session() {
  auto h = std::make_shared<dj::Heading>();
  h->schema = "lab";
  h->table = "session";
  h->attributes = {attribute("subject", "character varying(8)", dj::TypeCategory::string, true),
                   attribute("session", "integer", dj::TypeCategory::integer, true),
                   attribute("quality", "double precision", dj::TypeCategory::floating, false),
                   attribute("note", "character varying(32)", dj::TypeCategory::string, false)};
  return dj::Relation::of_table(h);
}

const std::string kSubject = R"(SELECT "subject", "sex", "weight" FROM "lab"."subject")";
const std::string kSession =
    R"(SELECT "subject", "session", "quality", "note" FROM "lab"."session")";

/// The restricted subject table's SQL: kSubject as a subquery, then `where`.
std::string subject_where(const std::string& where) {
  return "SELECT * FROM (" + kSubject + ") AS _r WHERE " + where;
}

using Params = std::vector<dj::SqlParam>;

}  // namespace

TEST(SqlGeneration, ATableSelectsItsVisibleColumns) {
  EXPECT_EQ(subject().select_sql().render(), kSubject);
  EXPECT_TRUE(subject().select_sql().params.empty());
  EXPECT_EQ(subject().description(), "lab.subject");
  EXPECT_EQ(subject().heading().names(), (std::vector<std::string>{"subject", "sex", "weight"}));
}

TEST(SqlGeneration, AKeyRestrictsByItsAttributesThatTheRelationHasAsParameters) {
  const auto q = subject() & dj::Row{{"sex", "M"}, {"unrelated", 5}};
  EXPECT_EQ(q.select_sql().render(), subject_where(R"((_r."sex" = $1))"));
  EXPECT_EQ(q.select_sql().params, (Params{"M"}));

  const auto both = session() & dj::Row{{"subject", "m1"}, {"session", 2}};
  EXPECT_EQ(both.select_sql().render(), "SELECT * FROM (" + kSession +
                                            R"() AS _r WHERE (_r."subject" = $1 AND )"
                                            R"(_r."session" = $2))");
  EXPECT_EQ(both.select_sql().params, (Params{"m1", "2"}));

  // A null value is IS NULL; a key with none of the attributes restricts nothing.
  EXPECT_EQ((subject() & dj::Row{{"weight", dj::Value()}}).select_sql().render(),
            subject_where(R"((_r."weight" IS NULL))"));
  EXPECT_EQ((subject() & dj::Row{{"other", 1}}).select_sql().render(), subject_where("TRUE"));
  // A quote in a value stays a parameter, never SQL text.
  const auto quoted = session() & dj::Row{{"note", "'; DROP TABLE x; --"}};
  EXPECT_EQ(quoted.select_sql().render(),
            "SELECT * FROM (" + kSession + R"() AS _r WHERE (_r."note" = $1))");
  EXPECT_EQ(quoted.select_sql().params, (Params{"'; DROP TABLE x; --"}));
}

TEST(SqlGeneration, StringConditionsAreParenthesisedAndTheirPlaceholdersBound) {
  EXPECT_EQ((subject() & "weight > 19").select_sql().render(), subject_where("(weight > 19)"));
  const auto bound = subject() & dj::Restriction::sql("weight < $1 OR subject = $2", {19.5, "m3"});
  EXPECT_EQ(bound.select_sql().render(), subject_where("(weight < $1 OR subject = $2)"));
  EXPECT_EQ(bound.select_sql().params, (Params{"19.5", "m3"}));
  // A "$1" inside quotes is text, not a placeholder.
  EXPECT_EQ((subject() & "subject <> '$1'").select_sql().render(),
            subject_where("(subject <> '$1')"));
  // Text that would escape its parentheses is refused before any SQL is built.
  EXPECT_THROW(subject() & "1=1) OR (1=1", std::invalid_argument);
  EXPECT_THROW(subject() & "weight > 0; DROP TABLE x", std::invalid_argument);
  EXPECT_THROW(subject() & "weight > 0 -- comment", std::invalid_argument);
}

TEST(SqlGeneration, OrListsAndListsAndNegation) {
  const auto any = subject() & dj::Restriction::any_of({{{"subject", "m2"}}, {{"subject", "m3"}}});
  EXPECT_EQ(any.select_sql().render(),
            subject_where(R"(((_r."subject" = $1) OR (_r."subject" = $2)))"));
  EXPECT_EQ(any.select_sql().params, (Params{"m2", "m3"}));
  EXPECT_EQ((subject() & dj::Restriction::any_of({})).select_sql().render(),
            subject_where("FALSE"));

  const auto all =
      subject() & dj::Restriction::all_of({dj::Row{{"sex", "M"}}, "weight IS NOT NULL"});
  EXPECT_EQ(all.select_sql().render(),
            subject_where(R"(((_r."sex" = $1) AND (weight IS NOT NULL)))"));
  EXPECT_EQ(all.select_sql().params, (Params{"M"}));
  EXPECT_EQ((subject() & dj::Restriction::all_of({})).select_sql().render(), subject_where("TRUE"));

  // A negated condition that is NULL does not match, as in DataJoint.
  EXPECT_EQ((subject() - "weight > 19").select_sql().render(),
            subject_where("(NOT COALESCE((weight > 19), FALSE))"));
  const auto none_of = subject() - dj::Restriction::any_of({{{"subject", "m1"}}});
  EXPECT_EQ(none_of.select_sql().render(),
            subject_where(R"((NOT COALESCE(((_r."subject" = $1)), FALSE)))"));
  EXPECT_EQ((subject() & !!dj::Restriction("weight > 19")).select_sql().render(),
            subject_where("(NOT COALESCE((NOT COALESCE((weight > 19), FALSE)), FALSE))"));
}

TEST(SqlGeneration, ARelationRestrictsBySemijoinOnNamesakeAttributes) {
  const std::string exists =
      "EXISTS (SELECT 1 FROM (" + kSession + R"() AS _s WHERE _s."subject" = _r."subject"))";
  EXPECT_EQ((subject() & session()).select_sql().render(), subject_where(exists));
  EXPECT_EQ((subject() - session()).select_sql().render(),
            subject_where("(NOT COALESCE(" + exists + ", FALSE))"));

  // The restricting relation's parameters come after the outer ones, numbered in order.
  const auto good = session() & dj::Row{{"note", "good"}};
  const auto q = (subject() & dj::Row{{"sex", "F"}}) & good;
  EXPECT_EQ(q.select_sql().render(),
            "SELECT * FROM (" + subject_where(R"((_r."sex" = $1))") +
                ") AS _r WHERE EXISTS (SELECT 1 FROM (SELECT * FROM (" + kSession +
                R"() AS _r WHERE (_r."note" = $2)) AS _s WHERE _s."subject" = _r."subject"))");
  EXPECT_EQ(q.select_sql().params, (Params{"F", "good"}));
  EXPECT_EQ(q.description(), R"(lab.subject & {sex: 'F'} & (lab.session & {note: 'good'}))");
}

TEST(SqlGeneration, JoinsOnCommonAttributesOrCrossJoins) {
  const auto joined = subject() * session();
  EXPECT_EQ(joined.select_sql().render(),
            R"(SELECT _a.*, _b."session", _b."quality", _b."note" FROM ()" + kSubject +
                ") AS _a JOIN (" + kSession + R"() AS _b ON _a."subject" = _b."subject")");
  EXPECT_EQ(joined.heading().names(),
            (std::vector<std::string>{"subject", "sex", "weight", "session", "quality", "note"}));
  EXPECT_EQ(joined.heading().primary_key(), (std::vector<std::string>{"subject", "session"}));

  // Nothing in common: every pair.
  const auto renamed = session().proj({}, {{"animal", "subject"}});
  EXPECT_EQ((subject() * renamed.proj({}, {{"number", "session"}})).select_sql().render(),
            R"(SELECT _a.*, _b."animal", _b."number" FROM ()" + kSubject +
                R"() AS _a CROSS JOIN (SELECT "animal", "session" AS "number" FROM )"
                R"((SELECT "subject" AS "animal", "session" FROM ()" +
                kSession + ") AS _p) AS _p) AS _b");
}

TEST(SqlGeneration, ProjectionsKeepTheKeyRenameAndCompute) {
  EXPECT_EQ(subject().proj().select_sql().render(),
            R"(SELECT "subject" FROM ()" + kSubject + ") AS _p");

  const auto q = session().proj({"quality"}, {{"day", "session"}}, {{"twice", "quality * 2"}});
  EXPECT_EQ(q.select_sql().render(),
            R"(SELECT "subject", "session" AS "day", "quality", (quality * 2) AS "twice" FROM ()" +
                kSession + ") AS _p");
  EXPECT_EQ(q.heading().names(), (std::vector<std::string>{"subject", "day", "quality", "twice"}));
  EXPECT_EQ(q.heading().primary_key(), (std::vector<std::string>{"subject", "day"}));
  EXPECT_EQ(q.heading().at("twice").sql_type, "computed");

  // A restriction of a projection restricts the renamed attribute.
  EXPECT_EQ((q & dj::Row{{"day", 3}}).select_sql().render(),
            "SELECT * FROM (" + q.select_sql().render() + R"() AS _r WHERE (_r."day" = $1))");

  EXPECT_THROW(session().proj({"missing"}), std::invalid_argument);
  EXPECT_THROW(session().proj({}, {{"new", "missing"}}), std::invalid_argument);
  EXPECT_THROW(session().proj({}, {{"bad\"name", "note"}}), std::invalid_argument);
  EXPECT_THROW(session().proj({}, {}, {{"Not Valid", "1"}}), std::invalid_argument);
}

TEST(SqlGeneration, AggregationJoinsEachRowToItsMatchesLaterally) {
  const auto q = subject().aggr(session(), {{"n", "count(*)"}, {"best", "max(quality)"}});
  const std::string matches = R"( WHERE _b."subject" = _a."subject")";
  EXPECT_EQ(q.select_sql().render(),
            R"(SELECT _a.*, _g."best", _g."n" FROM ()" + kSubject +
                R"() AS _a CROSS JOIN LATERAL (SELECT (max(quality)) AS "best", (count(*)) AS )"
                R"("n" FROM ()" +
                kSession + ") AS _b" + matches + ") AS _g WHERE EXISTS (SELECT 1 FROM (" +
                kSession + ") AS _b" + matches + ")");
  EXPECT_EQ(q.heading().names(),
            (std::vector<std::string>{"subject", "sex", "weight", "best", "n"}));

  // keep_all_rows: subjects without sessions stay (count 0).
  EXPECT_EQ(subject().aggr(session(), {{"n", "count(*)"}}, true).select_sql().render(),
            R"(SELECT _a.*, _g."n" FROM ()" + kSubject +
                R"() AS _a CROSS JOIN LATERAL (SELECT (count(*)) AS "n" FROM ()" + kSession +
                ") AS _b" + matches + ") AS _g");

  const auto totals = session().summary({{"mean", "avg(quality)"}, {"n", "count(*)"}});
  EXPECT_EQ(totals.select_sql().render(),
            R"(SELECT (avg(quality)) AS "mean", (count(*)) AS "n" FROM ()" + kSession + ") AS _q");
  EXPECT_EQ(totals.heading().names(), (std::vector<std::string>{"mean", "n"}));
}

TEST(SqlGeneration, StatementsThatReadARelation) {
  EXPECT_EQ(session().fetch_sql().render(),
            R"(SELECT _q."subject", _q."session", _q."quality", _q."note" FROM ()" + kSession +
                R"() AS _q ORDER BY "subject", "session")");

  dj::FetchOptions options;
  options.attributes = {"subject", "quality"};
  options.order_by = {"quality DESC", " note "};
  options.limit = 5;
  options.offset = 10;
  const auto fetch = session().fetch_sql(options);
  EXPECT_EQ(fetch.render(), R"(SELECT _q."subject", _q."quality" FROM ()" + kSession +
                                R"() AS _q ORDER BY "quality" desc, "note" LIMIT $1 OFFSET $2)");
  EXPECT_EQ(fetch.params, (Params{"5", "10"}));

  options = {};
  options.order_by = {"quality; DROP TABLE x"};
  EXPECT_THROW(session().fetch_sql(options), std::invalid_argument);
  options.order_by = {"missing"};
  EXPECT_THROW(session().fetch_sql(options), std::invalid_argument);

  EXPECT_EQ(session().count_sql().render(), "SELECT count(*) FROM (" + kSession + ") AS _q");
  EXPECT_EQ(session().exists_sql().render(), "SELECT EXISTS (" + kSession + ")");
  EXPECT_EQ(
      session().distinct_sql({"subject"}).render(),
      R"(SELECT DISTINCT _q."subject" FROM ()" + kSession + R"() AS _q ORDER BY _q."subject")");
}
