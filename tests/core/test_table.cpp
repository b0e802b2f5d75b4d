// Inserting and fetching every type, insert options, update1, refusals.

#include "dj/table.hpp"

#include <random>

#include "dj/blob.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "support/test_database.hpp"

namespace {

class TableTest : public fmtest::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    schema = std::make_unique<dj::Schema>(make_schema("dj_table"));
    schema->declare("Everything", dj::Tier::manual, R"(
      id : int
      ---
      i8 = null : tinyint
      i16 = null : smallint
      i64 = null : bigint
      u64 = null : bigint unsigned
      f32 = null : float
      f64 = null : double
      dec = null : decimal(8,3)
      flag = null : bool
      fixed = null : char(4)
      text = null : varchar(64)
      color = null : enum('red', 'green', 'blue')
      day = null : date
      moment = null : datetime(6)
      clock = null : time
      meta = null : json
      uid = null : uuid
      obj = null : longblob
      att = null : attach
      raw = null : bytes
    )");
  }
  std::unique_ptr<dj::Schema> schema;
};

}  // namespace

TEST_F(TableTest, EveryTypeRoundTrips) {
  auto table = schema->table("Everything");
  const dj::Row row = {
      {"id", 1},
      {"i8", -128},
      {"i16", 32767},
      {"i64", std::numeric_limits<long long>::min()},
      {"u64", "18446744073709551615"},
      {"f32", 1.5f},
      {"f64", 0.1 + 0.2},
      {"dec", "12345.678"},
      {"flag", true},
      {"fixed", "ab"},
      {"text", "unicode: µm, 'quotes', \"dq\", back\\slash"},
      {"color", "green"},
      {"day", "2024-02-29"},
      {"moment", "2024-05-06 07:08:09.123456"},
      {"clock", "23:59:58.5"},
      {"meta", nlohmann::json{{"a", 1}, {"b", {1, 2, 3}}}},
      {"uid", "123e4567-e89b-12d3-a456-426614174000"},
      {"obj", dj::Blob{std::string("mYm\0A\x01\x02", 7)}},
      {"att", dj::Attachment{"notes.txt", std::string("line\0two", 8)}},
      {"raw", dj::Bytes{std::string("\x00\xff\x10", 3)}},
  };
  table.insert1(row);
  const dj::Row back = table.fetch1();
  EXPECT_EQ(back.get<int>("id"), 1);
  EXPECT_EQ(back.get<int>("i8"), -128);
  EXPECT_EQ(back.get<int>("i16"), 32767);
  EXPECT_EQ(back.get<std::int64_t>("i64"), std::numeric_limits<long long>::min());
  EXPECT_EQ(back.get<std::string>("u64"), "18446744073709551615");
  EXPECT_EQ(back.get<float>("f32"), 1.5f);
  EXPECT_EQ(back.get<double>("f64"), 0.1 + 0.2);  // 17 significant digits: exact
  EXPECT_EQ(back.get<std::string>("dec"), "12345.678");
  EXPECT_TRUE(back.get<bool>("flag"));
  EXPECT_EQ(back.get<std::string>("fixed"), "ab  ");  // char(n) pads, as PostgreSQL does
  EXPECT_EQ(back.get<std::string>("text"), row.get<std::string>("text"));
  EXPECT_EQ(back.get<std::string>("color"), "green");
  EXPECT_EQ(back.get<std::string>("day"), "2024-02-29");
  EXPECT_EQ(back.get<std::string>("moment"), "2024-05-06 07:08:09.123456");
  EXPECT_EQ(back.get<std::string>("clock"), "23:59:58.5");
  EXPECT_EQ(back.get<nlohmann::json>("meta"), (nlohmann::json{{"a", 1}, {"b", {1, 2, 3}}}));
  EXPECT_EQ(back.get<std::string>("uid"), "123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(back.get<dj::Blob>("obj").packed, std::string("mYm\0A\x01\x02", 7));
  EXPECT_EQ(back.get<dj::Attachment>("att").filename, "notes.txt");
  EXPECT_EQ(back.get<dj::Attachment>("att").contents, std::string("line\0two", 8));
  EXPECT_EQ(back.get<dj::Bytes>("raw").data, std::string("\x00\xff\x10", 3));

  table.insert1({{"id", 2}});
  const dj::Row nulls = (table & dj::Row{{"id", 2}}).fetch1();
  for (const auto& name : nulls.names()) {
    if (name != "id") {
      EXPECT_TRUE(nulls.is_null(name)) << name;
    }
  }
  EXPECT_THROW(nulls.get<double>("f64"), std::invalid_argument);

  table.insert1(
      {{"id", 3}, {"f64", std::nan("")}, {"f32", std::numeric_limits<float>::infinity()}});
  const dj::Row special = (table & dj::Row{{"id", 3}}).fetch1();
  EXPECT_TRUE(std::isnan(special.get<double>("f64")));
  EXPECT_TRUE(std::isinf(special.get<float>("f32")));
}

TEST_F(TableTest, InsertOptions) {
  auto table = schema->table("Everything");
  table.insert({{{"id", 1}, {"text", "a"}}, {{"id", 2}, {"text", "b"}}});
  try {
    table.insert1({{"id", 1}, {"text", "again"}});
    FAIL() << "duplicate accepted";
  } catch (const dj::QueryError& e) {
    EXPECT_EQ(e.sqlstate(), "23505");
    EXPECT_NE(std::string(e.what()).find("insert into Everything"), std::string::npos);
  }
  dj::InsertOptions skip;
  skip.skip_duplicates = true;
  table.insert({{{"id", 1}, {"text", "ignored"}}, {{"id", 3}, {"text", "c"}}}, skip);
  EXPECT_EQ((table & dj::Row{{"id", 1}}).fetch1().get<std::string>("text"), "a");
  EXPECT_EQ(table.count(), 3);
  dj::InsertOptions replace;
  replace.replace = true;
  table.insert1({{"id", 1}, {"text", "replaced"}}, replace);
  EXPECT_EQ((table & dj::Row{{"id", 1}}).fetch1().get<std::string>("text"), "replaced");
  EXPECT_THROW(table.insert1({{"id", 9}, {"nonsense", 1}}), std::invalid_argument);
  dj::InsertOptions extra;
  extra.ignore_extra_fields = true;
  table.insert1({{"id", 9}, {"nonsense", 1}}, extra);
  EXPECT_EQ(table.count(), 4);
  // A failing row leaves none of its batch behind.
  EXPECT_THROW(table.insert({{{"id", 20}}, {{"id", 21}}, {{"id", 1}}}), dj::QueryError);
  EXPECT_EQ(table.count(), 4);
  EXPECT_THROW(table.insert1({{"id", 30}, {"color", "purple"}}), dj::InsertError);
  EXPECT_THROW(table.insert1({{"id", 30}, {"obj", "not a blob"}}), std::invalid_argument);
}

TEST_F(TableTest, ManyRowsInOneCall) {
  auto table = schema->table("Everything");
  std::vector<dj::Row> rows;
  for (int i = 0; i < 25000; ++i)
    rows.push_back({{"id", i}, {"f64", i * 0.5}, {"text", std::to_string(i)}});
  table.insert(rows);  // 75000 parameters: more than one statement
  EXPECT_EQ(table.count(), 25000);
  EXPECT_EQ(table.aggregate({{"s", "sum(f64)"}}).get<double>("s"), 0.5 * 24999.0 * 25000.0 / 2.0);
}

TEST_F(TableTest, Update1ChangesOneRow) {
  auto table = schema->table("Everything");
  table.insert1({{"id", 1}, {"text", "before"}});
  table.update1({{"id", 1}, {"text", "after"}, {"flag", false}});
  const auto row = table.fetch1();
  EXPECT_EQ(row.get<std::string>("text"), "after");
  EXPECT_FALSE(row.get<bool>("flag"));
  EXPECT_THROW(table.update1({{"id", 2}, {"text", "x"}}), std::runtime_error);
  EXPECT_THROW(table.update1({{"text", "no key"}}), std::invalid_argument);
}

TEST_F(TableTest, AutoPopulatedTablesRefuseDirectInserts) {
  schema->declare("Result", dj::Tier::computed, "-> Everything\n---\nvalue : float");
  auto everything = schema->table("Everything");
  everything.insert1({{"id", 1}});
  auto result = schema->table("Result");
  EXPECT_THROW(result.insert1({{"id", 1}, {"value", 2.0}}), std::logic_error);
  dj::InsertOptions allow;
  allow.allow_direct_insert = true;
  result.insert1({{"id", 1}, {"value", 2.0}}, allow);
  EXPECT_EQ(result.count(), 1);
}

TEST_F(TableTest, TransactionsGroupInserts) {
  auto table = schema->table("Everything");
  {
    dj::Connection::Transaction transaction(*connection);
    table.insert1({{"id", 1}});
    table.insert1({{"id", 2}});
    // not committed: rolled back here
  }
  EXPECT_EQ(table.count(), 0);
  {
    dj::Connection::Transaction transaction(*connection);
    table.insert1({{"id", 1}});
    transaction.commit();
  }
  EXPECT_EQ(table.count(), 1);
}

TEST_F(TableTest, RandomArraysOfEveryDtypeRoundTripThroughTheDatabase) {
  auto table = schema->table("Everything");
  std::mt19937 random(7);
  const dj::DType dtypes[] = {dj::DType::boolean,   dj::DType::int8,    dj::DType::uint8,
                              dj::DType::int16,     dj::DType::uint16,  dj::DType::int32,
                              dj::DType::uint32,    dj::DType::int64,   dj::DType::uint64,
                              dj::DType::float32,   dj::DType::float64, dj::DType::complex64,
                              dj::DType::complex128};
  std::vector<dj::ColumnMajorArray> arrays;
  std::vector<dj::Row> rows;
  int id = 0;
  for (const auto dtype : dtypes) {
    for (size_t ndim = 0; ndim <= 4; ++ndim) {
      dj::Shape shape;
      for (size_t d = 0; d < ndim; ++d) shape.push_back(1 + random() % 7);
      dj::ColumnMajorArray array(dtype, shape);
      for (auto& byte : array.bytes()) byte = static_cast<std::byte>(random());
      if (dtype == dj::DType::boolean) {
        for (auto& byte : array.bytes()) byte = static_cast<std::byte>(static_cast<int>(byte) & 1);
      }
      arrays.push_back(array);
      rows.push_back({{"id", id++}, {"obj", dj::to_blob(array)}});
    }
  }
  table.insert(rows);
  const auto fetched = table.fetch();
  ASSERT_EQ(fetched.size(), arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) {
    EXPECT_EQ(dj::unpack_blob(fetched[i], "obj").as<dj::ColumnMajorArray>(), arrays[i])
        << arrays[i].describe();
  }
  // Straight into Eigen and std::vector.
  const Eigen::MatrixXf mask = Eigen::MatrixXf::Random(17, 23);
  table.insert1({{"id", 1000}, {"obj", dj::to_blob(dj::ColumnMajorArray::from_eigen(mask))}});
  const auto row = (table & dj::Row{{"id", 1000}}).fetch1();
  EXPECT_EQ(dj::unpack_matrix<Eigen::MatrixXf>(row, "obj"), mask);
  EXPECT_EQ(dj::unpack_matrix<Eigen::MatrixXd>(row, "obj", dj::Conversion::to_floating_point),
            mask.cast<double>());
  EXPECT_THROW(dj::unpack_matrix<Eigen::MatrixXd>(row, "obj"), std::invalid_argument);
  table.insert1(
      {{"id", 1001}, {"obj", dj::to_blob(dj::ColumnMajorArray::from_vector(std::vector<int>{1, 2, 3}))}});
  EXPECT_EQ(dj::unpack_vector<int>((table & dj::Row{{"id", 1001}}).fetch1(), "obj"),
            (std::vector<int>{1, 2, 3}));
}
