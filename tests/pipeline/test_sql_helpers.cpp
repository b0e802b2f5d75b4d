// The SQL helpers (sql/helpers/): the blob functions on hand-made blobs of every dtype, and the
// views, read through the real psql client and compared with what the C++ API fetches.

#include <chrono>
#include <cmath>
#include <complex>
#include <fstream>
#include <iostream>
#include <limits>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "dj/blob.hpp"
#include "dj/identifiers.hpp"
#include "pipeline/tables.hpp"
#include "pipeline/sql_helpers.hpp"
#include "support/command.hpp"
#include "support/populated_pipeline.hpp"

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

/// A bytea literal of `blob` for SQL text.
std::string bytea(const std::string& blob) {
  return "decode('" + hex(blob) + "', 'hex')";
}

/// Numbers from the text of a PostgreSQL array ("{1,NaN,-Infinity}", nesting flattened).
std::vector<double> numbers(std::string text) {
  for (char& c : text)
    if (c == '{' || c == '}' || c == ',') c = ' ';
  std::vector<double> values;
  std::istringstream in(text);
  for (std::string token; in >> token;) {
    if (token == "NaN")
      values.push_back(kNan);
    else if (token == "Infinity" || token == "-Infinity")
      values.push_back(token[0] == '-' ? -kInf : kInf);
    else
      values.push_back(std::strtod(token.c_str(), nullptr));  // stod rejects subnormals
  }
  return values;
}

/// Fields of one line of psql's unaligned output.
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, '|');) out.push_back(field);
  return out;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

/// Equal as IEEE values: NaN matches NaN, and -0 only -0.
void expect_same(const std::vector<double>& got, const std::vector<double>& expected,
                 const std::string& what) {
  ASSERT_EQ(got.size(), expected.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << what << " [" << i << "]";
    } else {
      EXPECT_EQ(got[i], expected[i]) << what << " [" << i << "]";
      EXPECT_EQ(std::signbit(got[i]), std::signbit(expected[i])) << what << " [" << i << "]";
    }
  }
}

/// `count` values of T: its extremes first, then a pattern that zlib shrinks.
template <typename T>
std::vector<T> sample_values(std::size_t count) {
  std::vector<T> values;
  if constexpr (std::is_floating_point_v<T>) {
    using limits = std::numeric_limits<T>;
    values = {T(1.5),
              limits::quiet_NaN(),
              limits::infinity(),
              -limits::infinity(),
              T(-0.0),
              T(0.1),
              limits::denorm_min(),
              -limits::denorm_min(),
              limits::min(),
              limits::max(),
              -limits::max(),
              limits::epsilon()};
  } else if constexpr (!std::is_same_v<T, bool>) {
    values = {std::numeric_limits<T>::min(), std::numeric_limits<T>::max(), T(0), T(1), T(-1)};
  }
  while (values.size() < count) values.push_back(static_cast<T>(values.size() % 7 % 2));
  return values;
}

/// A test with the blob functions in a schema of its own.
class BlobFunctions : public fmtest::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    pqxx::work work(connection->native());
    work.exec(pipeline::sql_helper_scripts(prefix).at(0).second);
    work.commit();
  }
  void TearDown() override {
    if (connection)
      pqxx::nontransaction(connection->native()).exec("DROP SCHEMA " + views + " CASCADE");
    DatabaseTest::TearDown();
  }
  /// psql's output of `sql`, which must succeed.
  std::string psql(const std::string& sql) {
    const fmtest::CommandResult result = fmtest::run_psql(sql);
    EXPECT_EQ(result.exit_code, 0) << sql.substr(0, 200) << "\n" << result.output;
    return trimmed(result.output);
  }
  /// `SELECT <views>.function(blob)` through psql, which must succeed.
  std::string call(const std::string& function, const dj::BlobValue& value, bool compress = false) {
    return psql("SELECT " + views + "." + function + "(" + bytea(dj::pack_blob(value, compress)) +
                ")");
  }
  /// psql's error for `SELECT <views>.function(blob)`, which must fail.
  std::string error(const std::string& function, const std::string& blob) {
    const fmtest::CommandResult result =
        fmtest::run_psql("SELECT " + views + "." + function + "(" + bytea(blob) + ")");
    EXPECT_NE(result.exit_code, 0) << result.output;
    return result.output;
  }

  /// dj_blob_float8 (and dj_blob_int8 for integers) of `values`, plain and compressed.
  template <typename T>
  void check_dtype(const std::string& dtype) {
    const std::vector<T> values = sample_values<T>(1200);
    const dj::ColumnMajorArray array = dj::ColumnMajorArray::from_vector(values);
    const std::string plain = dj::pack_blob(array, false), compressed = dj::pack_blob(array);
    ASSERT_EQ(compressed.substr(0, 5), "ZL123") << dtype;
    const std::vector<std::string> got =
        fields(psql("SELECT " + views + ".dj_blob_dtype(" + bytea(compressed) + "), " + views +
                    ".dj_blob_float8(" + bytea(plain) + "), " + views + ".dj_blob_float8(" +
                    bytea(compressed) + ")"));
    ASSERT_EQ(got.size(), 3u) << dtype;
    EXPECT_EQ(got[0], dtype);
    const std::vector<double> expected(values.begin(), values.end());
    expect_same(numbers(got[1]), expected, dtype);
    expect_same(numbers(got[2]), expected, dtype + " compressed");
    if constexpr (std::is_same_v<T, std::uint64_t>) {
      // its maximum does not fit bigint: EveryDtypeExactlyPlainAndCompressed checks the error
    } else if constexpr (std::is_integral_v<T>) {
      std::string text = "{";
      for (T v : values) text += std::to_string(static_cast<std::int64_t>(v)) + ",";
      text.back() = '}';
      EXPECT_EQ(call("dj_blob_int8", array, true), text);
    } else {
      EXPECT_NE(error("dj_blob_int8", plain).find(dtype + " values are not integers"),
                std::string::npos);
    }
  }

  const std::string prefix = fmtest::unique_schema_name("h") + "_";
  const std::string views = dj::quote_identifier(prefix + "views");
};

}  // namespace

TEST(SqlHelperScripts, CommittedFilesAreWhatTheCodeGenerates) {
  const auto scripts = pipeline::sql_helper_scripts("fm_");
  ASSERT_EQ(scripts.size(), 3u);
  for (const auto& [name, script] : scripts) {
    const std::string path = std::string(FMPIPE_SOURCE_DIR) + "/sql/helpers/" + name + ".sql";
    std::ifstream file(path);
    std::stringstream committed;
    committed << file.rdbuf();
    EXPECT_EQ(committed.str(), script)
        << path << " is stale: regenerate it with `fmpipe init --write-sql sql`";
  }
  EXPECT_THROW(pipeline::sql_helper_scripts("bad\"prefix"), std::invalid_argument);
}

TEST_F(BlobFunctions, EveryDtypeExactlyPlainAndCompressed) {
  check_dtype<double>("float64");
  check_dtype<float>("float32");
  check_dtype<std::int8_t>("int8");
  check_dtype<std::uint8_t>("uint8");
  check_dtype<std::int16_t>("int16");
  check_dtype<std::uint16_t>("uint16");
  check_dtype<std::int32_t>("int32");
  check_dtype<std::uint32_t>("uint32");
  check_dtype<std::int64_t>("int64");
  check_dtype<std::uint64_t>("uint64");
  check_dtype<bool>("bool");
  // uint64 beyond bigint: exact in dj_blob_float8 (checked above), an error in dj_blob_int8.
  const auto huge = dj::ColumnMajorArray::from_vector(std::vector<std::uint64_t>{1, 18446744073709551615u});
  EXPECT_EQ(call("dj_blob_float8", huge), "{1,1.8446744073709552e+19}");
  EXPECT_NE(error("dj_blob_int8", dj::pack_blob(huge)).find("does not fit bigint"),
            std::string::npos);
}

TEST_F(BlobFunctions, ShapesColumnsZeroDimensionalAndEmptyArrays) {
  // numpy [[1, 2, 3], [4, 5, 6]], stored column-major.
  const auto matrix = dj::ColumnMajorArray::from_column_major<double>({2, 3}, {1, 4, 2, 5, 3, 6});
  EXPECT_EQ(call("dj_blob_float8", matrix), "{1,4,2,5,3,6}");
  EXPECT_EQ(call("dj_blob_float8_2d", matrix), "{{1,2,3},{4,5,6}}");
  EXPECT_EQ(call("dj_blob_shape", matrix), "{2,3}");
  EXPECT_EQ(psql("SELECT " + views + ".dj_blob_column(" + bytea(dj::pack_blob(matrix)) + ", 2)"),
            "{2,5}");
  const auto cube = dj::ColumnMajorArray::from_column_major<std::int32_t>({2, 1, 2}, {1, -2, 3, -4});
  EXPECT_EQ(call("dj_blob_int8", cube), "{1,-2,3,-4}");
  EXPECT_EQ(call("dj_blob_shape", cube), "{2,1,2}");

  EXPECT_EQ(call("dj_blob_float8", dj::ColumnMajorArray::scalar(2.5)), "{2.5}");
  EXPECT_EQ(call("dj_blob_shape", dj::ColumnMajorArray::scalar(2.5)), "{}");
  const auto empty = dj::ColumnMajorArray::from_vector(std::vector<double>{});
  EXPECT_EQ(call("dj_blob_float8", empty), "{}");
  EXPECT_EQ(call("dj_blob_shape", empty), "{0}");
  const auto no_rows = dj::ColumnMajorArray::from_column_major<float>({0, 3}, {});
  EXPECT_EQ(call("dj_blob_float8_2d", no_rows), "{}");
  EXPECT_EQ(call("dj_blob_shape", no_rows), "{0,3}");

  // A large compressed 2-d array, as a motion mask is: every element in its place.
  const int rows = 120, cols = 160;
  std::vector<float> mask(rows * cols);
  for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = static_cast<float>(i % 1013) * 0.25f;
  const auto image = dj::ColumnMajorArray::from_column_major<float>({rows, cols}, mask);
  std::vector<double> row_major;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) row_major.push_back(mask[c * rows + r]);
  expect_same(numbers(call("dj_blob_float8_2d", image, true)), row_major, "mask");
}

TEST_F(BlobFunctions, BadBlobsGetErrorsNamingTheReason) {
  EXPECT_NE(error("dj_blob_float8", "\x01\x02").find("not a DataJoint blob"), std::string::npos);
  dj::BlobDict dict;
  dict.items.emplace_back(dj::BlobValue(std::string("a")), dj::BlobValue(1.0));
  EXPECT_NE(error("dj_blob_float8", dj::pack_blob(dict)).find("not an array"), std::string::npos);
  const auto complex =
      dj::ColumnMajorArray::from_vector(std::vector<std::complex<double>>{{1.0, 2.0}, {3.0, 4.0}});
  EXPECT_NE(error("dj_blob_float8", dj::pack_blob(complex)).find("class id 6 (complex)"),
            std::string::npos);
  const std::string trace = dj::pack_blob(dj::ColumnMajorArray::from_vector(sample_values<double>(500)));
  EXPECT_NE(error("dj_blob_float8", trace.substr(0, trace.size() / 2)).find("is corrupt"),
            std::string::npos);
  std::string flipped = trace;
  flipped[flipped.size() / 2] ^= 0x20;
  EXPECT_NE(error("dj_blob_float8", flipped).find("is corrupt"), std::string::npos);
  const std::string plain = dj::pack_blob(dj::ColumnMajorArray::from_vector(std::vector<double>{1, 2}));
  EXPECT_NE(error("dj_blob_float8", plain.substr(0, plain.size() - 1))
                .find("44 bytes, but a float64 array of shape {2} takes 45"),
            std::string::npos);
  EXPECT_NE(error("dj_blob_float8_2d", plain).find("not 2-d"), std::string::npos);
  EXPECT_NE(fmtest::run_psql("SELECT " + views + ".dj_blob_column(" + bytea(plain) + ", 1)")
                .output.find("no column 1 in an array of shape {2}"),
            std::string::npos);
}

// A database without pgcrypto decodes plain blobs, and says why it cannot decode compressed ones.
TEST_F(BlobFunctions, CompressedBlobsWithoutPgcryptoSayWhatIsMissing) {
  const std::string database = prefix + "nocrypto";
  pqxx::nontransaction(connection->native()).exec("CREATE DATABASE " + database);
  const std::string compressed =
      dj::pack_blob(dj::ColumnMajorArray::from_vector(sample_values<double>(500)));
  const fmtest::CommandResult result = fmtest::run_command(
      {"psql", "-X", "-q", "-A", "-t", "-d", fmtest::database_url(), "-c", "\\c " + database, "-c",
       pipeline::sql_helper_scripts(prefix).at(0).second, "-c", "DROP EXTENSION pgcrypto", "-c",
       "SELECT " + views + ".dj_blob_float8(" + bytea(dj::pack_blob(dj::ColumnMajorArray::scalar(4.0))) +
           ")",
       "-c", "SELECT " + views + ".dj_blob_float8(" + bytea(compressed) + ")"});
  pqxx::nontransaction(connection->native()).exec("DROP DATABASE " + database);
  EXPECT_NE(result.output.find("{4}"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("inflates zlib streams only through the pgcrypto extension, which "
                               "this database lacks"),
            std::string::npos)
      << result.output;
}

// A 100 000-sample float32 trace with NaN, compressed as the pipeline stores it: decoded exactly,
// in time proportional to its length. The baseline is a 10 000-sample trace decoded in the same
// test: ten times the samples must take less than 25 times as long (a linear decoder takes 10
// times at most, less with its fixed costs; one that copies its output at each sample, as an
// array grown element by element in PL/pgSQL does, takes 100 times).
TEST_F(BlobFunctions, DecodesALongTraceInLinearTime) {
  std::mt19937 random(7);
  std::normal_distribution<float> normal(300.f, 40.f);
  std::vector<float> trace(100000);
  for (std::size_t i = 0; i < trace.size(); ++i)
    trace[i] = i % 100 == 0 ? std::numeric_limits<float>::quiet_NaN() : normal(random);
  pqxx::nontransaction work(connection->native());
  // The fastest of five decodings of the first `samples` samples, in seconds.
  const auto decode_seconds = [&](std::size_t samples) {
    const std::string blob = dj::pack_blob(
        dj::ColumnMajorArray::from_vector(std::vector<float>(trace.begin(), trace.begin() + samples)));
    EXPECT_EQ(blob.substr(0, 5), "ZL123");
    const std::string table = "trace_" + std::to_string(samples);
    work.exec("CREATE TEMP TABLE " + table + " AS SELECT " + bytea(blob) + " AS blob");
    double fastest = kInf;
    for (int run = 0; run < 5; ++run) {
      const auto start = std::chrono::steady_clock::now();
      EXPECT_EQ(
          work.exec1("SELECT cardinality(" + views + ".dj_blob_float8(blob)) FROM " + table)[0]
              .as<std::size_t>(),
          samples);
      fastest = std::min(
          fastest, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return fastest;
  };
  const double short_trace = decode_seconds(10000);
  const double long_trace = decode_seconds(100000);
  std::cout << "decoding a compressed float32 trace in SQL: " << short_trace
            << " s for 10000 samples, " << long_trace << " s for 100000 ("
            << long_trace / short_trace << " x)\n";
  EXPECT_LT(long_trace / short_trace, 25.0);
  const auto text =
      work.exec1("SELECT " + views + ".dj_blob_float8(blob)::text FROM trace_100000")[0]
          .as<std::string>();
  expect_same(numbers(text), std::vector<double>(trace.begin(), trace.end()), "trace");
}

namespace {

/// A pipeline holding one analysed recording, with the helpers installed.
class SqlHelperViews : public fmtest::PopulatedPipelineTest {
 protected:
  void SetUp() override {
    PopulatedPipelineTest::SetUp();
    pipeline::install_sql_helpers(*pipe);
    views = dj::quote_identifier(prefix + "views");
  }
  void TearDown() override {
    if (connection)
      pqxx::nontransaction(connection->native()).exec("DROP SCHEMA " + views + " CASCADE");
    PopulatedPipelineTest::TearDown();
  }
  /// The numbers psql prints for `sql`, which must succeed.
  std::vector<double> psql_numbers(const std::string& sql) {
    const fmtest::CommandResult result = fmtest::run_psql(sql);
    EXPECT_EQ(result.exit_code, 0) << sql << "\n" << result.output;
    return numbers(result.output);
  }
  std::string views;
};

template <typename Vector>
std::vector<double> doubles(const Vector& values) {
  return std::vector<double>(values.data(), values.data() + values.size());
}

}  // namespace

// What a psql user selects through the views equals what the C++ API fetches.
TEST_F(SqlHelperViews, AnswerWithThePipelinesValues) {
  const facemap::FacemapResult result = pipeline::fetch_facial_signal(*pipe, task_key);
  ASSERT_EQ(result.pupils.size(), 1u);
  const facemap::PupilTrace& pupil = result.pupils[0];
  expect_same(psql_numbers("SELECT area FROM " + views + ".pupil"), doubles(pupil.area), "area");
  expect_same(psql_numbers("SELECT x FROM " + views + ".pupil"),
              doubles(Eigen::VectorXd(pupil.com.col(1))), "pupil x");
  expect_same(psql_numbers("SELECT y_smooth FROM " + views + ".pupil"),
              doubles(Eigen::VectorXd(pupil.com_smooth.col(0))), "pupil y_smooth");
  expect_same(psql_numbers("SELECT blink FROM " + views + ".blink"),
              doubles(result.blinks.at(0).blink), "blink");
  expect_same(psql_numbers("SELECT dy FROM " + views + ".running"),
              doubles(result.running.at(0).dy), "running dy");

  const facemap::SvdComponents& motion = *result.svd_regions.at(0).motion_svd;
  const std::vector<double> singular_values = psql_numbers(
      "SELECT singular_value FROM " + views + ".motion_svd WHERE roi_no = 0 ORDER BY component_id");
  ASSERT_EQ(singular_values.size(), static_cast<std::size_t>(kComponents));
  for (int c = 0; c < kComponents; ++c)
    EXPECT_EQ(static_cast<float>(singular_values[c]), motion.singular_values[c]) << c;
  // mask[y][x] is pixel y * lx + x of the component.
  expect_same(psql_numbers("SELECT mask FROM " + views +
                           ".motion_svd WHERE roi_no = 0 AND component_id = 1"),
              doubles(Eigen::VectorXd(motion.masks.col(1).cast<double>())), "motion mask 1");
  expect_same(psql_numbers("SELECT motion_energy FROM " + views + ".region WHERE roi_no = 0"),
              doubles(Eigen::VectorXd(result.svd_regions.at(0).motion.cast<double>())),
              "motion energy");

  const facemap::PoseTracks tracks = pipeline::fetch_keypoints(*pipe, inference_key);
  const auto nose = std::find(tracks.bodyparts.begin(), tracks.bodyparts.end(), "nose(tip)") -
                    tracks.bodyparts.begin();
  expect_same(psql_numbers("SELECT x FROM " + views + ".keypoints WHERE body_part = 'nose(tip)'"),
              doubles(Eigen::VectorXd(tracks.x.col(nose).cast<double>())), "nose x");
  expect_same(
      psql_numbers("SELECT likelihood FROM " + views + ".keypoints WHERE body_part = 'nose(tip)'"),
      doubles(Eigen::VectorXd(tracks.likelihood.col(nose).cast<double>())), "nose likelihood");

  EXPECT_EQ(
      trimmed(fmtest::run_psql("SELECT nframes, px_width FROM " + views + ".recording").output),
      std::to_string(kFrames) + "|128");
}
