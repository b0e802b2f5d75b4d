// Hostile strings and hostile names. Strings with quotes, semicolons, backslashes, control
// characters, emoji and other multi-byte text, and 1 MB of text round-trip unchanged through
// every text type (varchar and enum keys, varchar, text and json attributes) by insert,
// restriction by key and by attribute, fetch and delete; text PostgreSQL cannot hold (NUL,
// invalid UTF-8) is refused with an error naming the attribute, while blob and bytes
// attributes carry NUL and any byte. Schema, table and attribute names are validated.

#include <gtest/gtest.h>

#include "dj/blob.hpp"
#include "support/test_database.hpp"

namespace {

// Enum labels cannot hold quotes or commas (DataJoint splits on them), anything else goes.
const std::vector<std::string> kKinds = {"plain", "semi;colon -- x", "back\\slash", "émoji 😀",
                                         "dollar $$ $1 tag"};

const std::vector<std::string> kHostile = {
    "it's",
    "say \"hi\"",
    "a; DROP TABLE hostile; --",
    "back\\slash \\' \\x00 E'\\''",
    "line1\nline2\r\n\ttab",
    "emoji 😀 ünïcödé 日本語 \u202Ertl",
    "$$ dollar $tag$ $1",
    "%_ like * wildcards",
    "' OR '1'='1",
    "Robert'); DROP TABLE students;--",
    "\x7f\x01\x1b[31m escapes",
    "",
    " leading and trailing ",
    "1=1) OR (1=1",
};

class HostileStrings : public fmtest::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    schema = std::make_unique<dj::Schema>(make_schema("hostile"));
    std::string kinds;
    for (const auto& kind : kKinds) kinds += (kinds.empty() ? "'" : ", '") + kind + "'";
    table = std::make_unique<dj::Table>(schema->declare("Hostile", dj::Tier::manual,
                                                        "label : varchar(255)\n"
                                                        "kind : enum(" +
                                                            kinds +
                                                            ")\n"
                                                            "---\n"
                                                            "note : varchar(255)\n"
                                                            "body : text\n"
                                                            "info = null : json\n"
                                                            "data = null : longblob\n"
                                                            "raw = null : bytes\n"));
  }
  /// The row for hostile string `i`; the body of the last one is 1 MB of it.
  static dj::Row row(size_t i) {
    const std::string& text = kHostile[i];
    std::string body = text;
    if (i + 1 == kHostile.size()) {
      while (body.size() < (1 << 20)) body += text + "\n";
    }
    const std::string binary = text + std::string("\0\xff\xfe", 3) + text;
    return {{"label", text},
            {"kind", kKinds[i % kKinds.size()]},
            {"note", text},
            {"body", body},
            {"info", nlohmann::json{{"text", text}, {text, 1}}},
            {"data", dj::to_blob(dj::BlobValue(binary))},
            {"raw", dj::Bytes{binary}}};
  }
  static dj::Row key(size_t i) {
    return {{"label", kHostile[i]}, {"kind", kKinds[i % kKinds.size()]}};
  }

  std::unique_ptr<dj::Schema> schema;
  std::unique_ptr<dj::Table> table;
};

/// Expects `attempt` to throw std::invalid_argument whose message holds every one of `parts`.
void expect_refused(const std::function<void()>& attempt,
                    std::initializer_list<std::string> parts) {
  try {
    attempt();
    ADD_FAILURE() << "accepted";
  } catch (const std::invalid_argument& e) {
    for (const auto& part : parts)
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

}  // namespace

TEST_F(HostileStrings, RoundTripUnchangedThroughEveryTextType) {
  // One row at a time, and all of them in one statement (after deleting them again).
  for (size_t i = 0; i < kHostile.size(); ++i) table->insert1(row(i));
  for (int pass = 0; pass < 2; ++pass) {
    SCOPED_TRACE(pass == 0 ? "insert1" : "insert");
    ASSERT_EQ(table->count(), static_cast<long long>(kHostile.size()));
    for (size_t i = 0; i < kHostile.size(); ++i) {
      SCOPED_TRACE(i);
      const dj::Row fetched = (*table & key(i)).fetch1();
      const dj::Row expected = row(i);
      for (const std::string name : {"label", "kind", "note", "body"})
        EXPECT_EQ(fetched.get<std::string>(name), expected.get<std::string>(name)) << name;
      EXPECT_EQ(fetched.get<nlohmann::json>("info"), expected.get<nlohmann::json>("info"));
      EXPECT_EQ(dj::unpack_blob(fetched, "data").as<std::string>(),
                dj::unpack_blob(expected, "data").as<std::string>());
      EXPECT_EQ(fetched.get<dj::Bytes>("raw"), expected.get<dj::Bytes>("raw"));
      // Restricted by a secondary attribute, as a key and as a parameter.
      EXPECT_EQ((*table & dj::Row{{"note", kHostile[i]}}).count(), 1);
      EXPECT_EQ(
          (*table & dj::Restriction::sql("body = $1", {expected.get<std::string>("body")})).count(),
          1);
    }
    const auto all = table->fetch();
    for (size_t i = 0; i < kHostile.size(); ++i) {
      EXPECT_EQ((*table & key(i)).delete_rows().total(), 1) << i;
      EXPECT_EQ(table->count(), static_cast<long long>(kHostile.size() - i - 1));
    }
    if (pass == 0) table->insert(all);
  }
}

TEST_F(HostileStrings, TextPostgresqlCannotHoldIsRefusedNamingTheAttribute) {
  const std::string with_nul("ab\0cd", 5);
  for (const std::string& bad :
       {with_nul, std::string("caf\xe9"), std::string("\xff\xfe"), std::string("overlong \xc0\xaf"),
        std::string("surrogate \xed\xa0\x80"), std::string("cut \xe2\x82")}) {
    SCOPED_TRACE(dj::Value(bad).to_display());
    const std::string reason = bad == with_nul ? "NUL" : "valid UTF-8";
    dj::Row note = row(0);
    note.set("note", bad);
    expect_refused([&] { table->insert1(note); }, {"attribute 'note'", reason});
    dj::Row label = row(0);
    label.set("label", bad);
    expect_refused([&] { table->insert1(label); }, {"attribute 'label'", reason});
    expect_refused([&] { (*table & dj::Row{{"label", bad}}).count(); }, {"'label'", reason});
    expect_refused([&] { (*table & dj::Restriction::sql("note = $1", {bad})).count(); }, {reason});
    dj::Row json = row(0);
    json.set("info", nlohmann::json{{"text", bad}});
    if (bad != with_nul) expect_refused([&] { table->insert1(json); }, {"attribute 'info'"});
  }
  EXPECT_EQ(table->count(), 0);
}

TEST_F(HostileStrings, LongValuesAreShortenedInMessages) {
  dj::Row long_label = row(0);
  long_label.set("label", std::string(1 << 20, 'x'));
  try {
    table->insert1(long_label);
    ADD_FAILURE() << "a 1 MB key was accepted by varchar(255)";
  } catch (const std::exception& e) {
    EXPECT_LT(std::string(e.what()).size(), 2000u);
  }
  EXPECT_EQ(dj::Value(std::string(1 << 20, 'x')).to_display(),
            "'" + std::string(80, 'x') + "'... (1048576 bytes)");
  EXPECT_EQ(dj::Value("two\nlines\x1b").to_display(), "'two\\x0alines\\x1b'");
}

TEST_F(HostileStrings, HostileNamesAreRefused) {
  for (const std::string& name : std::vector<std::string>{
           "x; DROP SCHEMA public CASCADE", "x\"y", "Upper", "", "1digit", std::string(64, 'a'),
           std::string("nul\0x", 5), "sp ace", "émoji"}) {
    SCOPED_TRACE(dj::Value(name).to_display());
    expect_refused([&] { dj::Schema(*connection, name); }, {"invalid schema name"});
    expect_refused([&] { schema->declare("Table", dj::Tier::manual, name + " : int"); }, {});
    expect_refused(
        [&] {
          table->insert1({{"label", "a"}, {"kind", "plain"}, {name, 1}});
        },
        {"has no attribute"});
    dj::FetchOptions order;
    order.order_by = {name};
    expect_refused([&] { table->fetch(order); }, {});
    expect_refused([&] { table->proj({}, {{name, "note"}}); }, {});
  }
  for (const std::string name : {"Bad\"Name", "bad", "Drop;Table"})
    expect_refused([&] { schema->declare(name, dj::Tier::manual, "id : int"); },
                   {"invalid table class name"});
  EXPECT_THROW(dj::Table(*connection, schema->name(), "hostile\"; DROP TABLE hostile; --"),
               std::exception);
  EXPECT_TRUE(schema->has_table("Hostile"));
}
