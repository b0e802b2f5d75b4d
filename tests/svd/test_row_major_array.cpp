// RowMajorArray: dtype parsing, byte-order and memory-order conversion, element conversion, and the
// Eigen views used by the proc-file reader and writer.

#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include "facemap/io/row_major_array.hpp"

using facemap::DType;
using facemap::RowMajorArray;
using facemap::StoredDType;

TEST(RowMajorArray, ParsesNumpyDescrs) {
  const StoredDType little = StoredDType::parse("<f4");
  EXPECT_EQ(little.dtype, DType::of<float>());
  EXPECT_FALSE(little.big_endian);
  EXPECT_TRUE(StoredDType::parse(">i8").big_endian);
  EXPECT_EQ(StoredDType::parse("|b1").dtype, DType::of<bool>());
  EXPECT_EQ(StoredDType::parse("u2").dtype, DType::of<std::uint16_t>());
  EXPECT_EQ(StoredDType::parse("<c16").dtype.itemsize, 16);
  EXPECT_EQ(DType::of<double>().descr(), "<f8");
  EXPECT_EQ(DType::of<std::uint8_t>().descr(), "|u1");
  for (const char* unsupported : {"|O", "<U2", "|S3", "<M8", "<f16", "<i3", "", "<"})
    EXPECT_THROW(StoredDType::parse(unsupported), std::invalid_argument) << unsupported;
}

TEST(RowMajorArray, ConvertsBigEndianFortranDataToCOrder) {
  // np.asfortranarray(np.arange(24, dtype=">f4").reshape(2, 3, 4)).tobytes("F")
  std::string raw;
  for (int k = 0; k < 4; ++k)
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 2; ++i) {
        const float value = static_cast<float>(i * 12 + j * 4 + k);
        std::uint32_t bits;
        std::memcpy(&bits, &value, 4);
        for (int byte = 3; byte >= 0; --byte) raw += static_cast<char>(bits >> (8 * byte));
      }
  EXPECT_EQ(static_cast<std::uint8_t>(raw[4]), 0x41);  // element 1 is 12.0f = 0x41400000
  const RowMajorArray array = RowMajorArray::from_stored(StoredDType::parse(">f4"), {2, 3, 4}, true, raw);
  std::vector<float> expected(24);
  for (int i = 0; i < 24; ++i) expected[i] = static_cast<float>(i);
  EXPECT_EQ(array.values<float>(), expected);
  EXPECT_EQ(array.describe(), "(2, 3, 4) f4");
  EXPECT_THROW(RowMajorArray::from_stored(StoredDType::parse(">f4"), {2, 3, 4}, true, raw.substr(4)),
               std::invalid_argument);
}

TEST(RowMajorArray, ConvertsElementsLikeAstype) {
  // np.array([1.5, -2, 65504, 6e-8], "<f2").tobytes()
  const std::string half_bytes("\x00\x3e\x00\xc0\xff\x7b\x01\x00", 8);
  const RowMajorArray half = RowMajorArray::from_stored(StoredDType::parse("<f2"), {4}, false, half_bytes);
  const std::vector<double> values = half.values<double>();
  EXPECT_EQ(values[0], 1.5);
  EXPECT_EQ(values[1], -2);
  EXPECT_EQ(values[2], 65504);
  EXPECT_NEAR(values[3], 5.96e-8, 1e-10);  // a subnormal

  const RowMajorArray integers = RowMajorArray::from_values<std::int32_t>({3}, {-1, 0, 7});
  EXPECT_EQ(integers.values<double>(), (std::vector<double>{-1, 0, 7}));
  EXPECT_EQ(integers.values<bool>(), (std::vector<bool>{true, false, true}));
  EXPECT_EQ(RowMajorArray::from_values<double>({2}, {2.9, -2.9}).values<std::int64_t>(),
            (std::vector<std::int64_t>{2, -2}));  // truncation, as astype does
  const RowMajorArray complex(DType{DType::Kind::complex, 8}, {1});
  EXPECT_THROW(complex.values<float>(), std::invalid_argument);
}

TEST(RowMajorArray, EigenViewsInCOrder) {
  Eigen::MatrixXf masks(6, 2);  // (ly * lx) x ncomp with ly = 2, lx = 3
  masks << 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
  const RowMajorArray reshaped = RowMajorArray::from_eigen(masks, {2, 3, 2});
  EXPECT_EQ(reshaped.shape(), (RowMajorArray::Shape{2, 3, 2}));
  EXPECT_EQ(reshaped.values<float>(), (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(reshaped.reshaped_matrix<float>(6, 2), masks);
  EXPECT_THROW(reshaped.reshaped_matrix<float>(5, 2), std::invalid_argument);
  EXPECT_THROW(reshaped.matrix<float>(), std::invalid_argument);

  const Eigen::VectorXd trace = Eigen::VectorXd::LinSpaced(4, 0, 3);
  const RowMajorArray vector = RowMajorArray::from_eigen(trace, {4});
  EXPECT_EQ(vector.dtype(), DType::of<double>());
  EXPECT_EQ(vector.matrix<double>(), trace);

  Eigen::Array<bool, 2, 2> ellipse;
  ellipse << true, false, false, true;
  const RowMajorArray mask = RowMajorArray::from_eigen(ellipse);
  EXPECT_EQ(mask.dtype(), DType::of<bool>());
  EXPECT_EQ(mask.matrix<bool>(), ellipse.matrix());
}

TEST(RowMajorArray, ShapesAndSizes) {
  EXPECT_EQ(facemap::shape_text({}), "()");
  EXPECT_EQ(facemap::shape_text({5}), "(5,)");
  EXPECT_EQ(facemap::shape_text({2, 3}), "(2, 3)");
  EXPECT_EQ(RowMajorArray::from_values<std::int64_t>({}, {40}).size(), 1);
  EXPECT_EQ(RowMajorArray(DType::of<float>(), {0, 4}).bytes().size(), 0u);
  EXPECT_THROW(RowMajorArray(DType::of<float>(), {2}, std::vector<std::uint8_t>(7)),
               std::invalid_argument);
}
