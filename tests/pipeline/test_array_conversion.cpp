// The conversions between the relational core's column-major blob arrays and the engines' C-order
// numpy arrays: every element keeps its index, for each shared dtype and for 0 to 3 dimensions.

#include <gtest/gtest.h>

#include <complex>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "pipeline/array_conversion.hpp"

namespace {

using dj::ColumnMajorArray;
using facemap::RowMajorArray;

// Element (i, j, k) of a 2 x 3 x 4 array is 100 i + 10 j + k: written column-major it is read
// back at the same index in C order.
TEST(ArrayConversion, ThreeDimensionalElementsKeepTheirIndex) {
  std::vector<std::int32_t> column_major;
  for (int k = 0; k < 4; ++k)
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 2; ++i) column_major.push_back(100 * i + 10 * j + k);
  const auto blob_array = ColumnMajorArray::from_column_major<std::int32_t>({2, 3, 4}, column_major);

  const RowMajorArray row_major = pipeline::to_row_major(blob_array);
  EXPECT_EQ(row_major.shape(), (RowMajorArray::Shape{2, 3, 4}));
  EXPECT_EQ(row_major.dtype(), facemap::DType::of<std::int32_t>());
  const std::vector<std::int32_t> c_order = row_major.values<std::int32_t>();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k)
        EXPECT_EQ(c_order[(i * 3 + j) * 4 + k], 100 * i + 10 * j + k) << i << j << k;

  const ColumnMajorArray back = pipeline::to_column_major(row_major);
  EXPECT_EQ(back.shape(), (dj::Shape{2, 3, 4}));
  EXPECT_EQ(back.dtype(), dj::DType::int32);
  EXPECT_EQ(back.bytes(), blob_array.bytes());
}

TEST(ArrayConversion, MatricesAgreeWithEigen) {
  Eigen::MatrixXd matrix(3, 2);
  matrix << 1, 2, 3, 4, 5, 6;
  const RowMajorArray row_major = pipeline::to_row_major(ColumnMajorArray::from_eigen(matrix));
  EXPECT_EQ(row_major.shape(), (RowMajorArray::Shape{3, 2}));
  EXPECT_EQ(row_major.values<double>(), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(row_major.matrix<double>(), matrix);
  EXPECT_EQ(pipeline::to_column_major(RowMajorArray::from_eigen(matrix)).to_eigen<Eigen::MatrixXd>(),
            matrix);
}

// Both layers shape an Eigen vector as numpy does: 1-D, and it stays 1-D across.
TEST(ArrayConversion, VectorsAndScalarsKeepTheirRank) {
  const Eigen::VectorXf trace = Eigen::VectorXf::LinSpaced(5, 0, 4);
  const RowMajorArray from_engine = RowMajorArray::from_eigen(trace);
  const ColumnMajorArray from_blob = ColumnMajorArray::from_eigen(trace);
  EXPECT_EQ(from_engine.shape(), (RowMajorArray::Shape{5}));
  EXPECT_EQ(from_blob.shape(), (dj::Shape{5}));
  EXPECT_EQ(pipeline::to_column_major(from_engine).bytes(), from_blob.bytes());
  EXPECT_EQ(pipeline::to_row_major(from_blob), from_engine);

  const RowMajorArray scalar = pipeline::to_row_major(ColumnMajorArray::scalar<std::int64_t>(-7));
  EXPECT_TRUE(scalar.shape().empty());
  EXPECT_EQ(scalar.values<std::int64_t>(), std::vector<std::int64_t>{-7});
  EXPECT_TRUE(pipeline::to_column_major(scalar).shape().empty());
}

TEST(ArrayConversion, EveryElementTypeRoundTrips) {
  const auto round_trip = [](const ColumnMajorArray& array) {
    const ColumnMajorArray back = pipeline::to_column_major(pipeline::to_row_major(array));
    EXPECT_EQ(back.dtype(), array.dtype()) << array.describe();
    EXPECT_EQ(back.shape(), array.shape()) << array.describe();
    EXPECT_EQ(back.bytes(), array.bytes()) << array.describe();
  };
  round_trip(ColumnMajorArray::from_column_major<bool>({2, 2}, {true, false, false, true}));
  round_trip(ColumnMajorArray::from_column_major<std::uint8_t>({1, 3}, {0, 128, 255}));
  round_trip(ColumnMajorArray::from_column_major<std::int16_t>({3, 1}, {-3, 0, 3}));
  round_trip(ColumnMajorArray::from_column_major<std::uint64_t>({2}, {1, 18446744073709551615u}));
  round_trip(ColumnMajorArray::from_column_major<float>({2, 3}, {1, 2, 3, 4, 5, 6}));
  round_trip(ColumnMajorArray::from_column_major<std::complex<double>>(
      {2, 2}, {{1, -1}, {2, -2}, {3, -3}, {4, -4}}));
  round_trip(ColumnMajorArray(dj::DType::float64, {0, 3}));
}

TEST(ArrayConversion, TypesWithoutACounterpartAreNamed) {
  const auto text = ColumnMajorArray::from_column_major<char16_t>({2}, {u'a', u'b'});
  EXPECT_THROW(
      {
        try {
          pipeline::to_row_major(text);
        } catch (const std::invalid_argument& error) {
          EXPECT_NE(std::string(error.what()).find("char"), std::string::npos) << error.what();
          throw;
        }
      },
      std::invalid_argument);
  const RowMajorArray half(facemap::DType{facemap::DType::Kind::floating, 2}, {3});
  EXPECT_THROW(pipeline::to_column_major(half), std::invalid_argument);
}

}  // namespace
