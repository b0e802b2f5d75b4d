// Rows insert() refuses before sending any SQL, with the table, attribute, value and limit named,
// and nothing of the call inserted.

#include <string>

#include <gtest/gtest.h>

#include "dj/table.hpp"
#include "support/test_database.hpp"

namespace {

class InsertChecks : public fmtest::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    schema = std::make_unique<dj::Schema>(make_schema("dj_checks"));
    schema->declare("Device", dj::Tier::lookup, R"(
      device : varchar(16)
      ---
      modality = 'video' : varchar(16)
    )");
    schema->declare("Subject", dj::Tier::manual, R"(
      subject : varchar(32)
      ---
      sex : enum('M', 'F', 'U')
      birth_date : date
      born_at = null : datetime
      litter = null : tinyint
      cage = null : smallint
      weight = null : float
      tag = null : tinyint unsigned
      count = null : int
      big = null : bigint
      price = null : decimal(5,2)
      flag = null : bool
      code = null : char(4)
      notes = '' : varchar(64)
    )");
    schema->declare("Recording", dj::Tier::manual, R"(
      -> Subject
      recording_id : int
      ---
      -> Device
    )");
    subject = std::make_unique<dj::Table>(schema->table("Subject"));
    recording = std::make_unique<dj::Table>(schema->table("Recording"));
  }

  /// The message insert1() refuses `row` with (an InsertError), or what happened instead.
  std::string refusal(const dj::Table& table, const dj::Row& row) {
    try {
      table.insert1(row);
    } catch (const dj::InsertError& e) {
      return e.what();
    } catch (const std::exception& e) {
      return std::string("not an InsertError: ") + e.what();
    }
    return "inserted";
  }

  static dj::Row good_subject() {
    return {{"subject", "JAX-2024-0117"}, {"sex", "F"}, {"birth_date", "2024-01-17"}};
  }
  static dj::Row with(dj::Row row, const std::string& name, dj::Value value) {
    row.set(name, std::move(value));
    return row;
  }

  std::unique_ptr<dj::Schema> schema;
  std::unique_ptr<dj::Table> subject, recording;
};

}  // namespace

TEST_F(InsertChecks, ValuesThatDoNotFitTheirTypeAreRefusedNamingTableAttributeValueAndLimit) {
  struct Case {
    const char* name;
    dj::Row row;
    std::string error;
  };
  const Case cases[] = {
      {"too long", with(good_subject(), "subject", "JAX-2024-0117-LONG-ID-FROM-THE-LIMS-0042"),
       "Subject.subject: 'JAX-2024-0117-LONG-ID-FROM-THE-LIMS-0042' is 40 characters, longer than "
       "varchar(32)"},
      {"characters, not bytes", with(good_subject(), "code", "µµµµµ"),
       "Subject.code: 'µµµµµ' is 5 characters, longer than char(4)"},
      {"text for an int", with(good_subject(), "count", "twelve"),
       "Subject.count: 'twelve' is not an integer (int32)"},
      {"a fraction for an int", with(good_subject(), "count", 2.5),
       "Subject.count: 2.5 is not an integer (int32)"},
      {"tinyint", with(good_subject(), "litter", 200),
       "Subject.litter: 200 is out of range for int8 (-128 to 127)"},
      {"smallint", with(good_subject(), "cage", -40000),
       "Subject.cage: -40000 is out of range for int16 (-32768 to 32767)"},
      {"int", with(good_subject(), "count", 3000000000LL),
       "Subject.count: 3000000000 is out of range for int32 (-2147483648 to 2147483647)"},
      {"bigint", with(good_subject(), "big", "99999999999999999999"),
       "Subject.big: '99999999999999999999' is out of range for int64 (a 64-bit integer)"},
      {"unsigned", with(good_subject(), "tag", 70000),
       "Subject.tag: 70000 is out of range for int16 (-32768 to 32767)"},
      {"float", with(good_subject(), "weight", 1e39),
       "Subject.weight: 1e+39 is out of range for float32"},
      {"decimal", with(good_subject(), "price", "1234.5"),
       "Subject.price: '1234.5' is out of range for decimal(5,2) (at most 3 digits before the "
       "point)"},
      {"bool", with(good_subject(), "flag", "maybe"),
       "Subject.flag: 'maybe' is not a boolean (bool: true, false, 1 or 0)"},
      {"not in the enum", with(good_subject(), "sex", "male"),
       "Subject.sex: 'male' is not one of 'M', 'F', 'U'"},
      {"not a date", with(good_subject(), "birth_date", "05/06/2024"),
       "Subject.birth_date: '05/06/2024' is not a date (YYYY-MM-DD)"},
      {"no such day", with(good_subject(), "birth_date", "2023-02-29"),
       "Subject.birth_date: '2023-02-29' is not a date (YYYY-MM-DD)"},
      {"a time zone dropped in silence", with(good_subject(), "born_at", "2024-01-17 08:00:00+02"),
       "Subject.born_at: '2024-01-17 08:00:00+02' is not a datetime (YYYY-MM-DD "
       "HH:MM:SS[.ffffff])"},
      {"a number for text", with(good_subject(), "notes", 1.5),
       "Subject.notes: 1.5 is not text (varchar(64))"},
      {"missing", dj::Row{{"subject", "m1"}, {"sex", "M"}},
       "Subject.birth_date: missing; the attribute is required (not nullable, no default)"},
      {"null", with(good_subject(), "sex", nullptr),
       "Subject.sex: NULL; the attribute is required (not nullable, no default)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(refusal(*subject, c.row), c.error);
  }
  EXPECT_EQ(subject->count(), 0);
}

TEST_F(InsertChecks, OneBadRowRefusesTheWholeCall) {
  const std::vector<dj::Row> rows = {good_subject(), with(good_subject(), "subject", "m2"),
                                     with(with(good_subject(), "subject", "m3"), "litter", 128)};
  try {
    subject->insert(rows);
    FAIL() << "inserted";
  } catch (const dj::InsertError& e) {
    EXPECT_EQ(std::string(e.what()), "Subject.litter: 128 is out of range for int8 (-128 to 127)");
  }
  EXPECT_EQ(subject->count(), 0);
}

TEST_F(InsertChecks, ValuesThatFitAreStored) {
  dj::Row row = good_subject();
  row.set("subject", std::string(32, 'x'));
  row.set("code", "µµµµ");
  row.set("litter", -128);
  row.set("count", "+42");
  row.set("weight", "3.5");
  row.set("price", "-999.99");
  row.set("flag", "yes");
  row.set("born_at", "2024-01-17T08:00");
  row.set("notes", nullptr);  // not nullable, with a default: the default, as in DataJoint
  subject->insert1(row);
  const dj::Row back = subject->fetch1();
  EXPECT_EQ(back.get<int>("count"), 42);
  EXPECT_EQ(back.get<int>("litter"), -128);
  EXPECT_EQ(back.get<std::string>("price"), "-999.99");
  EXPECT_TRUE(back.get<bool>("flag"));
  EXPECT_EQ(back.get<std::string>("born_at"), "2024-01-17 08:00:00");
  EXPECT_EQ(back.get<std::string>("notes"), "");
}

TEST_F(InsertChecks, AMissingParentIsNamedWithItsKey) {
  subject->insert1(good_subject());
  schema->table("Device").insert1({{"device", "camera0"}});
  EXPECT_EQ(refusal(*recording,
                    {{"subject", "JAX-2024-0117"}, {"recording_id", 0}, {"device", "camera9"}}),
            "Recording: its parent " + schema->name() +
                ".Device has no row {device: 'camera9'} (insert that row first)");
  EXPECT_EQ(refusal(*recording, {{"subject", "m404"}, {"recording_id", 0}, {"device", "camera0"}}),
            "Recording: its parent " + schema->name() +
                ".Subject has no row {subject: 'm404'} (insert that row first)");
  // The first bad row of a call is named, and none of its rows is kept.
  const std::vector<dj::Row> rows = {
      {{"subject", "JAX-2024-0117"}, {"recording_id", 1}, {"device", "camera0"}},
      {{"subject", "JAX-2024-0117"}, {"recording_id", 2}, {"device", "camera7"}},
      {{"subject", "JAX-2024-0117"}, {"recording_id", 3}, {"device", "camera8"}}};
  try {
    recording->insert(rows);
    FAIL() << "inserted";
  } catch (const dj::InsertError& e) {
    EXPECT_EQ(std::string(e.what()), "Recording: its parent " + schema->name() +
                                         ".Device has no row {device: 'camera7'} (insert that row "
                                         "first)");
  }
  EXPECT_EQ(recording->count(), 0);
  recording->insert({{{"subject", "JAX-2024-0117"}, {"recording_id", 1}, {"device", "camera0"}}});
  EXPECT_EQ(recording->count(), 1);
}
