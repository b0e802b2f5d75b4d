// The SQL helpers (sql/helpers.sql): blob-decoding functions and readable views, used through
// the real psql client, against values fetched through the C++ API.

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include <gtest/gtest.h>

#include "dj/blob.hpp"
#include "pipeline/results.hpp"
#include "pipeline/sql_helpers.hpp"
#include "support/command.hpp"
#include "support/populated_pipeline.hpp"

namespace {

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

/// Numbers from psql's text of a PostgreSQL array ("{1,NaN,-Infinity}", nesting flattened).
std::vector<double> numbers(std::string text) {
  for (char& c : text)
    if (c == '{' || c == '}' || c == ',') c = ' ';
  std::vector<double> values;
  std::istringstream in(text);
  for (std::string token; in >> token;) {
    if (token == "NaN")
      values.push_back(std::numeric_limits<double>::quiet_NaN());
    else if (token == "Infinity")
      values.push_back(std::numeric_limits<double>::infinity());
    else if (token == "-Infinity")
      values.push_back(-std::numeric_limits<double>::infinity());
    else
      values.push_back(std::strtod(token.c_str(), nullptr));  // stod rejects subnormals
  }
  return values;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

void expect_same(const std::vector<double>& got, const std::vector<double>& expected) {
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << i;
    } else {
      EXPECT_EQ(got[i], expected[i]) << i;
      EXPECT_EQ(std::signbit(got[i]), std::signbit(expected[i])) << i;
    }
  }
}

class SqlHelpers : public fmtest::PopulatedPipelineTest {
 protected:
  void SetUp() override {
    PopulatedPipelineTest::SetUp();
    pipeline::install_sql_helpers(*pipe);
    views = "\"" + prefix + "views\"";
  }
  void TearDown() override {
    if (connection) {
      pqxx::nontransaction work(connection->native());
      work.exec("DROP SCHEMA IF EXISTS " + views + " CASCADE");
    }
    PopulatedPipelineTest::TearDown();
  }
  /// psql's output of `sql`, which must succeed.
  std::string psql(const std::string& sql) {
    const fmtest::CommandResult result = fmtest::run_psql(sql);
    EXPECT_EQ(result.exit_code, 0) << sql << "\n" << result.output;
    return trimmed(result.output);
  }
  std::string decode_sql(const std::string& function, const dj::BlobValue& value,
                         bool compress = true) {
    return "SELECT " + views + "." + function + "(decode('" + hex(dj::pack_blob(value, compress)) +
           "', 'hex'))";
  }
  std::string views;
};

}  // namespace

TEST(SqlHelpersScript, CommittedFileIsWhatTheCodeGenerates) {
  std::ifstream file(std::string(FMPIPE_SOURCE_DIR) + "/sql/helpers.sql");
  std::stringstream committed;
  committed << file.rdbuf();
  EXPECT_EQ(committed.str(), pipeline::sql_helpers_script("fm_"))
      << "sql/helpers.sql is stale: regenerate it with `fmpipe init --write-sql sql`";
  EXPECT_THROW(pipeline::sql_helpers_script("bad\"prefix"), std::exception);
}

TEST_F(SqlHelpers, DecodeEveryDtypeAndSpecialValue) {
  const double nan = std::numeric_limits<double>::quiet_NaN(),
               inf = std::numeric_limits<double>::infinity();
  const std::vector<double> specials{1.5, nan, inf, -inf, -0.0, 5e-324, 1.7976931348623157e308};
  expect_same(numbers(psql(decode_sql("blob_float8", dj::NdArray::from_vector(specials)))),
              specials);
  const std::vector<float> singles{0.1f, -2.5f, std::numeric_limits<float>::quiet_NaN()};
  expect_same(numbers(psql(decode_sql("blob_float8", dj::NdArray::from_vector(singles)))),
              {double(0.1f), -2.5, nan});
  EXPECT_EQ(psql(decode_sql("blob_dtype", dj::NdArray::from_vector(singles))), "float32");

  EXPECT_EQ(
      psql(decode_sql("blob_int8", dj::NdArray::from_vector(std::vector<std::int8_t>{-128, 127}))),
      "{-128,127}");
  EXPECT_EQ(
      psql(decode_sql("blob_int8", dj::NdArray::from_vector(std::vector<std::uint16_t>{0, 65535}))),
      "{0,65535}");
  EXPECT_EQ(psql(decode_sql("blob_int8", dj::NdArray::from_vector(std::vector<std::int64_t>{
                                             std::numeric_limits<std::int64_t>::min(), 7}))),
            "{-9223372036854775808,7}");
  EXPECT_EQ(psql(decode_sql("blob_int8",
                            dj::NdArray::from_vector(std::vector<std::uint32_t>{4000000000u}))),
            "{4000000000}");
  EXPECT_EQ(psql(decode_sql("blob_int8", dj::NdArray::from_vector(std::vector<bool>{true, false}))),
            "{1,0}");
  EXPECT_EQ(psql(decode_sql("blob_dtype", dj::NdArray::from_vector(std::vector<bool>{true}))),
            "bool");

  // 2-d: element [i][j] is numpy's [i-1, j-1]; the blob is column-major.
  const dj::NdArray matrix =
      dj::NdArray::from_column_major<double>({2, 3}, {1, 4, 2, 5, 3, 6});  // [[1,2,3],[4,5,6]]
  EXPECT_EQ(psql(decode_sql("blob_float8", matrix)), "{{1,2,3},{4,5,6}}");
  EXPECT_EQ(psql(decode_sql("blob_shape", matrix)), "{2,3}");
  EXPECT_EQ(psql("SELECT " + views + ".blob_column(decode('" + hex(dj::pack_blob(matrix)) +
                 "', 'hex'), 2)"),
            "{2,5}");
  const dj::NdArray cube = dj::NdArray::from_column_major<std::int32_t>({2, 1, 2}, {1, 2, 3, 4});
  EXPECT_EQ(psql(decode_sql("blob_int8", cube)), "{{{1,3}},{{2,4}}}");
  // 0-d and empty arrays.
  EXPECT_EQ(psql(decode_sql("blob_float8", dj::NdArray::scalar(2.5))), "{2.5}");
  EXPECT_EQ(psql(decode_sql("blob_shape", dj::NdArray::scalar(2.5))), "{}");
  EXPECT_EQ(psql(decode_sql("blob_float8", dj::NdArray::from_vector(std::vector<double>{}))), "{}");
  // Large blobs are zlib-compressed by the codec; the helpers inflate them.
  std::vector<float> ramp(100000);
  for (std::size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<float>(i % 1000) * 0.5f;
  const std::string compressed = dj::pack_blob(dj::NdArray::from_vector(ramp));
  ASSERT_EQ(compressed.substr(0, 5), std::string("ZL123"));
  const std::vector<double> decoded =
      numbers(psql(decode_sql("blob_float8", dj::NdArray::from_vector(ramp))));
  ASSERT_EQ(decoded.size(), ramp.size());
  for (std::size_t i = 0; i < ramp.size(); i += 997) EXPECT_EQ(decoded[i], ramp[i]) << i;
}

TEST_F(SqlHelpers, BadBlobsGetClearErrors) {
  const auto not_a_blob = fmtest::run_psql("SELECT " + views + ".blob_float8('\\x0102'::bytea)");
  EXPECT_NE(not_a_blob.exit_code, 0);
  EXPECT_NE(not_a_blob.output.find("not a DataJoint blob"), std::string::npos) << not_a_blob.output;
  dj::BlobDict dict;
  dict.items.emplace_back(dj::BlobValue(std::string("a")), dj::BlobValue(1.0));
  const auto a_dict = fmtest::run_psql(decode_sql("blob_float8", dict));
  EXPECT_NE(a_dict.exit_code, 0);
  EXPECT_NE(a_dict.output.find("not a numeric array"), std::string::npos) << a_dict.output;
  const auto floats_as_ints = fmtest::run_psql(decode_sql("blob_int8", dj::NdArray::scalar(1.5)));
  EXPECT_NE(floats_as_ints.output.find("not integers"), std::string::npos) << floats_as_ints.output;
}

// What a psql user selects through the views equals what the C++ API fetches.
TEST_F(SqlHelpers, ViewsAnswerWithThePipelinesValues) {
  const facemap::FacemapResult result = pipeline::fetch_facial_signal(*pipe, task_key);
  ASSERT_EQ(result.pupils.size(), 1u);
  const Eigen::VectorXd& area = result.pupils[0].area;
  expect_same(numbers(psql("SELECT area FROM " + views + ".pupil")),
              std::vector<double>(area.data(), area.data() + area.size()));
  const std::vector<double> center_x = numbers(psql("SELECT center_x FROM " + views + ".pupil"));
  ASSERT_EQ(center_x.size(), static_cast<std::size_t>(kFrames));
  EXPECT_EQ(center_x[5], result.pupils[0].com(5, 1));

  const auto& full_frame = *result.svd_regions.at(0).motion_svd;
  const std::string first = psql("SELECT singular_value FROM " + views +
                                 ".motion_svd WHERE roi_no = 0 AND component_id = 0");
  EXPECT_FLOAT_EQ(std::stof(first), full_frame.singular_values[0]);
  EXPECT_EQ(psql("SELECT count(*) FROM " + views + ".motion_svd WHERE roi_no = 0"),
            std::to_string(kComponents));
  EXPECT_EQ(psql("SELECT array_dims(mask) FROM " + views +
                 ".movie_svd WHERE roi_no = 0 AND component_id = 0"),
            "[1:" + std::to_string(full_frame.ly) + "][1:" + std::to_string(full_frame.lx) + "]");

  const facemap::PoseTracks tracks = pipeline::fetch_keypoints(*pipe, inference_key);
  const auto nose = std::find(tracks.bodyparts.begin(), tracks.bodyparts.end(), "nose(tip)") -
                    tracks.bodyparts.begin();
  const std::vector<double> x =
      numbers(psql("SELECT x FROM " + views + ".keypoints WHERE body_part = 'nose(tip)'"));
  ASSERT_EQ(x.size(), static_cast<std::size_t>(kFrames));
  for (int t = 0; t < kFrames; ++t)
    EXPECT_FLOAT_EQ(static_cast<float>(x[t]), tracks.x(t, nose)) << t;

  EXPECT_EQ(psql("SELECT nframes, px_width FROM " + views + ".recording"),
            std::to_string(kFrames) + "|128");
  EXPECT_EQ(psql("SELECT array_length(dy, 1) FROM " + views + ".running"), std::to_string(kFrames));
}
