// .npy files: write -> read round trips, hand-made files in numpy's other layouts and versions,
// error reports, object arrays (numpy's and ours), and the genuine fixtures' arrays.

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "facemap/io/npy.hpp"
#include "support/test_database.hpp"

namespace fs = std::filesystem;
using facemap::RowMajorArray;
using facemap::read_npy;
using facemap::read_npy_object;
using facemap::write_npy;
using facemap::pickle::Dict;
using facemap::pickle::Value;

namespace {

class Npy : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("fmpipe_test_npy_" + std::to_string(getpid()));
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  fs::path file(const std::string& name) const { return folder_ / name; }

  // Writes a .npy file by hand: magic, version, header length (2 bytes in version 1, else 4),
  // the header as given (numpy's padding is optional for readers), then the payload.
  fs::path hand_made(const std::string& name, int major, const std::string& header,
                     const std::string& payload) const {
    std::string contents = "\x93NUMPY";
    contents += static_cast<char>(major);
    contents += '\0';
    for (int i = 0; i < (major == 1 ? 2 : 4); ++i)
      contents += static_cast<char>((header.size() >> (8 * i)) & 0xff);
    std::ofstream(file(name), std::ios::binary) << contents << header << payload;
    return file(name);
  }

  // The message of the exception `read` throws.
  template <class Read>
  static std::string error_of(Read read) {
    try {
      read();
    } catch (const std::exception& error) {
      return error.what();
    }
    return "";
  }

 private:
  fs::path folder_;
};

}  // namespace

TEST_F(Npy, RoundTripsEveryDtypeAndRank) {
  const std::vector<RowMajorArray> arrays = {
      RowMajorArray::from_values<bool>({2, 2}, {true, false, false, true}),
      RowMajorArray::from_values<std::uint8_t>({5}, {0, 1, 128, 254, 255}),
      RowMajorArray::from_values<std::int32_t>({}, {-7}),
      RowMajorArray::from_values<std::int64_t>({0}, {}),
      RowMajorArray::from_values<float>({2, 3, 4}, std::vector<float>(24, 0.25f)),
      RowMajorArray::from_values<double>({1, 3}, {1e300, -0.0, 3.5}),
  };
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    const fs::path path = file("array" + std::to_string(i) + ".npy");
    write_npy(path, arrays[i]);
    EXPECT_EQ(read_npy(path), arrays[i]) << arrays[i].describe();
    EXPECT_EQ(fs::file_size(path) % 64, arrays[i].bytes().size() % 64);  // data 64-aligned
  }
}

TEST_F(Npy, WritesNumpysHeader) {
  write_npy(file("matrix.npy"), RowMajorArray::from_values<double>({2, 3}, {1, 2, 3, 4, 5, 6}));
  std::ifstream written(file("matrix.npy"), std::ios::binary);
  std::string preamble(128, '\0');
  written.read(preamble.data(), 128);
  EXPECT_EQ(preamble.substr(0, 10), std::string("\x93NUMPY\x01\x00\x76\x00", 10));
  const std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
  EXPECT_EQ(preamble.substr(10, header.size()), header);
  EXPECT_EQ(preamble[127], '\n');
}

TEST_F(Npy, ReadsOtherLayoutsAndVersions) {
  // Version 1.0, Fortran order, big-endian int16: [[1, 2, 3], [4, 5, 6]] stored column by column.
  const fs::path fortran =
      hand_made("fortran.npy", 1, "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }\n",
                std::string("\0\1\0\4\0\2\0\5\0\3\0\6", 12));
  const RowMajorArray matrix = read_npy(fortran);
  EXPECT_EQ(matrix.shape(), (RowMajorArray::Shape{2, 3}));
  EXPECT_EQ(matrix.values<std::int32_t>(), (std::vector<std::int32_t>{1, 2, 3, 4, 5, 6}));

  // Version 2.0 (4-byte header length) and 3.0 (UTF-8 header), double-quoted strings.
  const fs::path version2 = hand_made(
      "v2.npy", 2, "{\"descr\": \"|u1\", \"fortran_order\": False, \"shape\": (3,)}\n", "abc");
  EXPECT_EQ(read_npy(version2).values<std::uint8_t>(), (std::vector<std::uint8_t>{97, 98, 99}));
  const fs::path version3 =
      hand_made("v3.npy", 3, "{'shape': (), 'fortran_order': False, 'descr': '<i4'}\n",
                std::string("\x2a\0\0\0", 4));
  EXPECT_EQ(read_npy(version3).values<std::int64_t>(), (std::vector<std::int64_t>{42}));
}

TEST_F(Npy, ErrorsNameTheFileAndReason) {
  const fs::path text = file("text.npy");
  std::ofstream(text) << "not numpy";
  EXPECT_EQ(error_of([&] { read_npy(text); }),
            text.string() + ": not a .npy file (no numpy magic)");
  EXPECT_EQ(error_of([&] { read_npy(file("absent.npy")); }),
            file("absent.npy").string() + ": cannot open for reading");

  const fs::path truncated = hand_made(
      "truncated.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n", "1234");
  EXPECT_EQ(error_of([&] { read_npy(truncated); }),
            truncated.string() + ": truncated data: (4,) <f4 needs 16 bytes, file has 4");

  const fs::path structured =
      hand_made("structured.npy", 1,
                "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }\n", "1234");
  EXPECT_NE(error_of([&] { read_npy(structured); }).find("structured dtypes are not supported"),
            std::string::npos);

  const fs::path strings = hand_made(
      "strings.npy", 1, "{'descr': '<U1', 'fortran_order': False, 'shape': (1,), }\n", "abcd");
  EXPECT_EQ(
      error_of([&] { read_npy(strings); }),
      strings.string() +
          ": unsupported numpy dtype '<U1' (supported: b1, i1-i8, u1-u8, f2, f4, f8, c8, c16)");

  facemap::write_npy_object(file("object.npy"), Value::integer(1));
  EXPECT_EQ(
      error_of([&] { read_npy(file("object.npy")); }),
      file("object.npy").string() + ": holds Python objects (dtype object); use read_npy_object");
  write_npy(file("numeric.npy"), RowMajorArray::from_values<float>({1}, {1}));
  EXPECT_EQ(error_of([&] { read_npy_object(file("numeric.npy")); }),
            file("numeric.npy").string() +
                ": holds a numeric array (dtype <f4), not Python objects; use read_npy");
}

TEST_F(Npy, ObjectRoundTrip) {
  Dict dict;
  dict.set("filenames", Value::list({Value::list({Value::str("synth_face.avi")})}));
  dict.set("avgframe_reshape", Value::ndarray(RowMajorArray::from_values<float>({1, 2}, {3.5f, 4})));
  facemap::write_npy_object(file("proc.npy"), Value::dict(dict));
  EXPECT_EQ(read_npy_object(file("proc.npy")), Value::dict(dict));

  std::ifstream written(file("proc.npy"), std::ios::binary);
  std::string preamble(64, '\0');
  written.read(preamble.data(), 64);
  const std::string header = "{'descr': '|O', 'fortran_order': False, 'shape': (), }";
  EXPECT_EQ(preamble.substr(10, header.size()), header);
}

TEST_F(Npy, ReadsNumpysObjectFile) {
  // np.save of Facemap's ROI input dict (a copy of the shared fixture; 22 KB).
  const Value input = read_npy_object(fmtest::test_data("svd/synth_face_rois_input_proc.npy"));
  const Dict& dict = input.as_dict();
  EXPECT_EQ(dict.at("sbin").as_int(), 4);
  EXPECT_TRUE(dict.at("fullSVD").as_bool());
  EXPECT_EQ(dict.at("savepath").as_str(), ".");
  EXPECT_EQ(dict.at("sy").as_ndarray().values<std::int64_t>(), std::vector<std::int64_t>{0});
  const auto& rois = dict.at("rois").as_list();
  ASSERT_EQ(rois.size(), 4u);
  const Dict& pupil = rois[0].as_dict();
  EXPECT_EQ(pupil.at("rtype").as_str(), "Pupil");
  EXPECT_EQ(pupil.at("saturation").as_double(), 100.0);
  EXPECT_EQ(pupil.at("color"), Value::tuple({Value::real(255), Value::real(0), Value::real(0)}));
  const RowMajorArray& yrange = pupil.at("yrange").as_ndarray();
  EXPECT_EQ(yrange.shape(), RowMajorArray::Shape{60});
  EXPECT_EQ(yrange.values<std::int32_t>().front(), 10);
  EXPECT_EQ(yrange.values<std::int32_t>().back(), 69);
  const RowMajorArray& ellipse = pupil.at("ellipse").as_ndarray();
  EXPECT_EQ(ellipse.shape(), (RowMajorArray::Shape{60, 80}));
  EXPECT_EQ(ellipse.dtype(), facemap::DType::of<bool>());
  const std::vector<int> inside = ellipse.values<int>();
  EXPECT_EQ(std::count(inside.begin(), inside.end(), 1), 3759);
  EXPECT_EQ(rois[3].as_dict().at("xrange").as_ndarray().values<std::int32_t>().front(), 120);
}

TEST_F(Npy, ReadsTheKeypointFixtures) {
  FMPIPE_SKIP_WITHOUT_SHARED(input_path, "fmnet/input_x.npy");
  const RowMajorArray input = read_npy(input_path);
  EXPECT_EQ(input.shape(), (RowMajorArray::Shape{2, 1, 256, 256}));
  const std::vector<float> pixels = input.values<float>();
  EXPECT_FLOAT_EQ(pixels[0], 0.7576316f);
  EXPECT_FLOAT_EQ(pixels[1], 0.27931088f);
  EXPECT_FLOAT_EQ(pixels.back(), 0.022899926f);

  const RowMajorArray heatmap = read_npy(fmtest::shared_fixture("fmnet/out_seed0_heatmap.npy"));
  EXPECT_EQ(heatmap.shape(), (RowMajorArray::Shape{2, 15, 64, 64}));
  EXPECT_FLOAT_EQ(heatmap.values<float>()[0], 0.08328957f);

  const Eigen::MatrixXf x =
      read_npy(fmtest::shared_fixture("fmnet/pose_synth_160x200_kp_x.npy")).matrix<float>();
  EXPECT_EQ(x.rows(), 30);
  EXPECT_EQ(x.cols(), 15);
  EXPECT_FLOAT_EQ(x(0, 0), 11.01487f);
  EXPECT_FLOAT_EQ(x(0, 2), 61.56467f);
  EXPECT_FLOAT_EQ(x(29, 14), -1.8650581f);
}

TEST_F(Npy, ReadsTheSyntheticFaceTruth) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, "svd/synth_face_truth.npy");
  const Eigen::MatrixXf truth = read_npy(path).matrix<float>();
  ASSERT_EQ(truth.rows(), 2450);
  ASSERT_EQ(truth.cols(), 8);
  EXPECT_FLOAT_EQ(truth(0, 0), 39.5f);       // pupil centre row
  EXPECT_FLOAT_EQ(truth(0, 1), 56.211956f);  // pupil centre column
  EXPECT_FLOAT_EQ(truth(1, 7), 151.39598f);  // paw x
  EXPECT_FLOAT_EQ(truth(2449, 4), 30.0f);    // lid height
}
