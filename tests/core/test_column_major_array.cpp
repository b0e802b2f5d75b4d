// ColumnMajorArray: shapes, element access, and conversion to and from Eigen and std::vector.

#include <gtest/gtest.h>

#include "dj/column_major_array.hpp"

namespace {

using RowMajorXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

TEST(ColumnMajorArray, EigenMatricesKeepTheirLogicalShapeInColumnMajorOrder) {
  RowMajorXd row_major(2, 3);
  row_major << 1, 2, 3, 4, 5, 6;
  const dj::ColumnMajorArray array = dj::ColumnMajorArray::from_eigen(row_major);
  EXPECT_EQ(array.shape(), (dj::Shape{2, 3}));
  EXPECT_EQ(array.dtype(), dj::DType::float64);
  const double* data = array.data<double>();
  EXPECT_EQ(std::vector<double>(data, data + 6), (std::vector<double>{1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(array, dj::ColumnMajorArray::from_eigen(Eigen::MatrixXd(row_major)));
  // Back into either storage order, same logical matrix.
  EXPECT_EQ(array.to_eigen<Eigen::MatrixXd>(), Eigen::MatrixXd(row_major));
  EXPECT_EQ(array.to_eigen<RowMajorXd>(), row_major);
  EXPECT_EQ((array.to_eigen<Eigen::Matrix<double, 2, 3>>()), Eigen::MatrixXd(row_major));
  // Expressions are evaluated first.
  EXPECT_EQ(dj::ColumnMajorArray::from_eigen(row_major.transpose()).shape(), (dj::Shape{3, 2}));
}

TEST(ColumnMajorArray, EigenVectorTypesAreOneDimensional) {
  const Eigen::VectorXf column = Eigen::VectorXf::LinSpaced(4, 0, 3);
  const Eigen::RowVectorXi row = Eigen::RowVectorXi::LinSpaced(3, 5, 7);
  EXPECT_EQ(dj::ColumnMajorArray::from_eigen(column).shape(), dj::Shape{4});
  EXPECT_EQ(dj::ColumnMajorArray::from_eigen(row).shape(), dj::Shape{3});
  EXPECT_EQ(dj::ColumnMajorArray::from_eigen(row).dtype(), dj::DType::int32);
  EXPECT_EQ(dj::ColumnMajorArray::from_eigen(column).to_eigen<Eigen::VectorXf>(), column);
  EXPECT_EQ(dj::ColumnMajorArray::from_eigen(row).to_eigen<Eigen::RowVectorXi>(), row);
  // A MATLAB-style (n, 1) column fits a column vector, not a row vector.
  const dj::ColumnMajorArray matlab_column = dj::ColumnMajorArray::from_eigen(Eigen::MatrixXf(column));
  EXPECT_EQ(matlab_column.shape(), (dj::Shape{4, 1}));
  EXPECT_EQ(matlab_column.to_eigen<Eigen::VectorXf>(), column);
  EXPECT_THROW(matlab_column.to_eigen<Eigen::RowVectorXf>(), std::invalid_argument);
}

TEST(ColumnMajorArray, LogicalAndComplexEigenArrays) {
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> mask(2, 2);
  mask << true, false, false, true;
  const dj::ColumnMajorArray logical = dj::ColumnMajorArray::from_eigen(mask);
  EXPECT_EQ(logical.dtype(), dj::DType::boolean);
  EXPECT_TRUE(
      (logical.to_eigen<Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>>() == mask).all());
  const Eigen::MatrixXcd z = Eigen::MatrixXcd::Constant(2, 1, {1.0, -2.0});
  EXPECT_EQ(dj::ColumnMajorArray::from_eigen(z).to_eigen<Eigen::MatrixXcd>(), z);
}

TEST(ColumnMajorArray, MismatchesAreClearErrors) {
  const dj::ColumnMajorArray ints = dj::ColumnMajorArray::from_column_major<std::int32_t>({2, 2}, {1, 2, 3, 4});
  try {
    ints.to_eigen<Eigen::MatrixXd>();
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "array dtype int32 does not match the requested float64 (pass "
                 "Conversion::to_floating_point to convert)");
  }
  // Converting to floating point only when asked.
  const Eigen::MatrixXd converted =
      ints.to_eigen<Eigen::MatrixXd>(dj::Conversion::to_floating_point);
  EXPECT_EQ(converted(1, 0), 2.0);
  EXPECT_EQ(converted(0, 1), 3.0);
  using MatrixXi64 = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;
  EXPECT_THROW(ints.to_eigen<MatrixXi64>(dj::Conversion::to_floating_point),
               std::invalid_argument);  // only floating-point targets convert
  const auto complex = dj::ColumnMajorArray::from_vector<std::complex<double>>({{1, 1}});
  EXPECT_THROW(complex.to_vector<double>(dj::Conversion::to_floating_point), std::invalid_argument);
  try {
    ints.to_eigen<Eigen::Matrix3i>();
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "a fixed-size 3x3 Eigen type cannot hold a int32 array of shape (2, 2)");
  }
  EXPECT_THROW(ints.to_vector<std::int32_t>(), std::invalid_argument);  // 2-D
  EXPECT_THROW(ints.data<float>(), std::invalid_argument);
  EXPECT_THROW(dj::ColumnMajorArray::from_vector<int>({1, 2}).to_eigen<Eigen::MatrixXi>(),
               std::invalid_argument);  // 1-D into a matrix
  EXPECT_THROW(dj::ColumnMajorArray::from_column_major<float>({2, 2}, {1, 2, 3}), std::invalid_argument);
}

TEST(ColumnMajorArray, VectorsScalarsAndShapes) {
  const std::vector<bool> flags = {true, false, true};
  EXPECT_EQ(dj::ColumnMajorArray::from_vector(flags).to_vector<bool>(), flags);
  const std::vector<std::uint16_t> counts = {1, 65535};
  const dj::ColumnMajorArray array = dj::ColumnMajorArray::from_vector(counts);
  EXPECT_EQ(array.ndim(), 1u);
  EXPECT_EQ(array.to_vector<std::uint16_t>(), counts);
  EXPECT_EQ(array.to_vector<float>(dj::Conversion::to_floating_point),
            (std::vector<float>{1, 65535}));
  const dj::ColumnMajorArray scalar = dj::ColumnMajorArray::scalar(std::int64_t{-4});
  EXPECT_EQ(scalar.ndim(), 0u);
  EXPECT_EQ(scalar.size(), 1u);
  EXPECT_EQ(scalar.item<std::int64_t>(), -4);
  EXPECT_EQ(scalar.item<double>(dj::Conversion::to_floating_point), -4.0);
  EXPECT_THROW(array.item<std::uint16_t>(), std::invalid_argument);
  EXPECT_EQ(dj::format_shape({}), "()");
  EXPECT_EQ(dj::format_shape({5}), "(5,)");
  EXPECT_EQ(dj::format_shape({3, 0, 2}), "(3, 0, 2)");
  EXPECT_EQ(dj::dtype_name(dj::DType::datetime64, dj::TimeUnit::nanosecond), "datetime64[ns]");
  EXPECT_EQ(dj::ColumnMajorArray(dj::DType::complex64, {3, 0, 2}).size(), 0u);
  EXPECT_THROW(dj::ColumnMajorArray(dj::DType::uint8, {1ull << 40, 1ull << 40}), std::overflow_error);
  EXPECT_EQ(dj::ColumnMajorArray(), dj::ColumnMajorArray::from_vector(std::vector<double>{}));
}

}  // namespace
