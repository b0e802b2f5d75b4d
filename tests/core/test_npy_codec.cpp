// The bytes of store objects as DataJoint 2.x writes them: content hashes (MD5 in base32, the
// values datajoint-python computes) and .npy files, compared byte for byte with what numpy's
// np.save writes, and numpy's own files read back, through Debian's python3-numpy.

#include <gtest/gtest.h>

#include <complex>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "dj/content_hash.hpp"
#include "dj/npy_codec.hpp"
#include "support/command.hpp"

namespace {

namespace fs = std::filesystem;

// The values datajoint-python's compute_hash gives (hash_registry.py), observed with its client.
TEST(ContentHash, MatchesDataJointsHashOfStoredBytes) {
  EXPECT_EQ(dj::content_hash(""), "2qoyzwmpaczaj2mabgmoz6ccpy");
  EXPECT_EQ(dj::content_hash("abc"), "saavbgb42jh3bvuwh56sryl7oi");
  EXPECT_TRUE(dj::is_content_hash(dj::content_hash(std::string(100000, 'x'))));
  EXPECT_FALSE(dj::is_content_hash("saavbgb42jh3bvuwh56sryl7o"));   // 25 characters
  EXPECT_FALSE(dj::is_content_hash("SAAVBGB42JH3BVUWH56SRYL7OI"));  // upper case
  EXPECT_FALSE(dj::is_content_hash("saavbgb42jh3bvuwh56sryl7o1"));  // 1 is not base32
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Runs numpy with `script`, in which `folder` is the test's folder, and fails on error.
void run_numpy(const fs::path& folder, const std::string& script) {
  const auto result = fmtest::run_command(
      {"/usr/bin/python3", "-c", "import numpy as np\nfolder = '" + folder.string() + "'\n" + script});
  ASSERT_EQ(result.exit_code, 0) << result.output;
}

class NpyCodec : public ::testing::Test {
 protected:
  void SetUp() override {
    folder = fs::temp_directory_path() /
             ("fmpipe-npy-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
              "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder);
    fs::create_directories(folder);
  }
  void TearDown() override { fs::remove_all(folder); }
  fs::path folder;
};

// A 3 x 4 float32 matrix, element (r, c) = 10 r + c, as numpy writes it in Fortran order.
TEST_F(NpyCodec, MatricesAreWhatNpSaveWritesForAFortranArray) {
  Eigen::MatrixXf matrix(3, 4);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) matrix(r, c) = static_cast<float>(10 * r + c);
  const std::string ours = dj::to_npy(dj::ColumnMajorArray::from_eigen(matrix));
  run_numpy(folder,
            "a = (10 * np.arange(3)[:, None] + np.arange(4)[None, :]).astype(np.float32)\n"
            "np.save(folder + '/numpy.npy', np.asfortranarray(a))\n");
  EXPECT_EQ(ours, read_file(folder / "numpy.npy"));
  EXPECT_EQ(ours.size(), 128u + 48u);  // the header padded to 128 bytes, as numpy 1.24 pads it

  std::ofstream(folder / "ours.npy", std::ios::binary) << ours;
  run_numpy(folder,
            "b = np.load(folder + '/ours.npy')\n"
            "assert b.dtype == np.float32 and b.shape == (3, 4), (b.dtype, b.shape)\n"
            "assert (b == 10 * np.arange(3)[:, None] + np.arange(4)[None, :]).all(), b\n");
}

TEST_F(NpyCodec, VectorsAndScalarsAreWhatNpSaveWrites) {
  const auto vector = dj::ColumnMajorArray::from_vector<std::int64_t>({5, -6, 7});
  const auto scalar = dj::ColumnMajorArray::scalar<double>(2.5);
  const auto flags = dj::ColumnMajorArray::from_vector<bool>({true, false});
  run_numpy(folder,
            "np.save(folder + '/vector.npy', np.array([5, -6, 7], dtype=np.int64))\n"
            "np.save(folder + '/scalar.npy', np.float64(2.5))\n"
            "np.save(folder + '/flags.npy', np.array([True, False]))\n");
  EXPECT_EQ(dj::to_npy(vector), read_file(folder / "vector.npy"));
  EXPECT_EQ(dj::to_npy(scalar), read_file(folder / "scalar.npy"));
  EXPECT_EQ(dj::to_npy(flags), read_file(folder / "flags.npy"));
}

// numpy's default C order, the other byte order, complex and datetime elements all read back
// at the same indices.
TEST_F(NpyCodec, ReadsWhatNumpyWritesInEitherOrder) {
  run_numpy(folder,
            "a = np.arange(24, dtype=np.int16).reshape(2, 3, 4)\n"
            "np.save(folder + '/c_order.npy', a)\n"
            "np.save(folder + '/fortran.npy', np.asfortranarray(a))\n"
            "np.save(folder + '/big_endian.npy', np.arange(6, dtype='>f8').reshape(2, 3))\n"
            "np.save(folder + '/complex.npy', np.array([[1+2j, 3-4j]], dtype=np.complex64))\n"
            "np.save(folder + '/times.npy', np.array(['2024-01-02T03:04:05.006'], "
            "dtype='datetime64[ms]'))\n");
  for (const char* name : {"c_order.npy", "fortran.npy"}) {
    const auto array = dj::from_npy(read_file(folder / name), name);
    ASSERT_EQ(array.shape(), (dj::Shape{2, 3, 4})) << name;
    ASSERT_EQ(array.dtype(), dj::DType::int16) << name;
    // Element (i, j, k) is 12 i + 4 j + k; column-major, i varies fastest.
    const std::int16_t* elements = array.data<std::int16_t>();
    for (int k = 0; k < 4; ++k)
      for (int j = 0; j < 3; ++j)
        for (int i = 0; i < 2; ++i)
          EXPECT_EQ(elements[i + 2 * j + 6 * k], 12 * i + 4 * j + k) << name;
  }
  const auto big = dj::from_npy(read_file(folder / "big_endian.npy"), "big_endian.npy");
  Eigen::MatrixXd expected(2, 3);
  expected << 0, 1, 2, 3, 4, 5;
  EXPECT_EQ(big.to_eigen<Eigen::MatrixXd>(), expected);

  const auto complex = dj::from_npy(read_file(folder / "complex.npy"), "complex.npy");
  ASSERT_EQ(complex.dtype(), dj::DType::complex64);
  EXPECT_EQ(complex.data<std::complex<float>>()[1], std::complex<float>(3, -4));

  const auto times = dj::from_npy(read_file(folder / "times.npy"), "times.npy");
  ASSERT_EQ(times.dtype(), dj::DType::datetime64);
  EXPECT_EQ(times.time_unit(), dj::TimeUnit::millisecond);
  EXPECT_EQ(times.data<std::int64_t>()[0], 1704164645006);
  EXPECT_EQ(dj::to_npy(times), read_file(folder / "times.npy"));
}

TEST(NpyCodecErrors, NameTheObjectAndTheReason) {
  const auto message = [](const std::string& bytes) {
    try {
      dj::from_npy(bytes, "store main: a.npy");
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("PK\x03\x04"), "store main: a.npy: not a .npy file (no numpy magic)");
  const std::string full = dj::to_npy(dj::ColumnMajorArray::from_vector<double>({1, 2, 3}));
  EXPECT_EQ(message(full.substr(0, full.size() - 8)),
            "store main: a.npy: truncated data: a (3,) <f8 array needs 24 bytes, the file has 16");
  std::string text = full;
  text.replace(text.find("<f8"), 3, "<U1");
  EXPECT_EQ(message(text),
            "store main: a.npy: dtype '<U1' is not one a blob array can hold (bool, integers, "
            "floats, complex)");
  EXPECT_THROW(dj::to_npy(dj::ColumnMajorArray::from_vector<char16_t>({u'a'})),
               std::invalid_argument);
}

}  // namespace
