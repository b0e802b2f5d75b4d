// examples/python: its blob decoder on blobs packed by our codec, and the example script on a
// populated pipeline, run with Debian's python3 (python3-psycopg2, python3-numpy).

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>

#include <gtest/gtest.h>

#include "dj/blob.hpp"
#include "pipeline/tables.hpp"
#include "support/command.hpp"
#include "support/populated_pipeline.hpp"

namespace {

// Debian's interpreter, which has the packages; another python3 may come first on PATH.
const char* const kPython = "/usr/bin/python3";
const std::string kExamples = std::string(FMPIPE_SOURCE_DIR) + "/examples/python";

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

}  // namespace

TEST(PythonBlobDecoder, ReadsWhatOurCodecWrites) {
  const double nan = std::nan("");
  std::vector<float> ramp(5000);
  std::iota(ramp.begin(), ramp.end(), 0.f);
  const std::vector<std::pair<dj::BlobValue, std::string>> cases = {
      {dj::ColumnMajorArray::from_vector(std::vector<double>{1.5, nan, INFINITY, -0.0}),
       "float64 (4,) [1.5, nan, inf, -0.0]"},
      {dj::ColumnMajorArray::from_column_major<std::int16_t>({2, 3}, {1, 4, 2, 5, 3, 6}),
       "int16 (2, 3) [1, 2, 3, 4, 5, 6]"},
      {dj::ColumnMajorArray::from_vector(std::vector<bool>{true, false}), "bool (2,) [True, False]"},
      {dj::ColumnMajorArray::scalar(std::uint64_t{18446744073709551615u}),
       "uint64 () [18446744073709551615]"},
      {dj::ColumnMajorArray::from_vector(std::vector<double>{}), "float64 (0,) []"},
      {dj::ColumnMajorArray::from_vector(ramp), "float32 (5000,) sum 12497500.0"},  // compressed
  };
  const std::string path = testing::TempDir() + "/blobs_" + std::to_string(getpid()) + ".bin";
  {
    std::ofstream out(path, std::ios::binary);
    for (const auto& [value, expected] : cases) {
      const std::string blob = dj::pack_blob(value);
      const std::uint64_t size = blob.size();
      out.write(reinterpret_cast<const char*>(&size), 8);
      out << blob;
    }
  }
  const std::string script =
      "import struct, sys\n"
      "sys.path.insert(0, sys.argv[1])\n"
      "from djblob import unpack_array\n"
      "data = open(sys.argv[2], 'rb').read()\n"
      "at = 0\n"
      "while at < len(data):\n"
      "    size = struct.unpack_from('<Q', data, at)[0]\n"
      "    a = unpack_array(data[at + 8:at + 8 + size])\n"
      "    at += 8 + size\n"
      "    values = 'sum %r' % float(a.sum()) if a.size > 100 else a.flatten().tolist()\n"
      "    print(a.dtype, a.shape, values)\n";
  const fmtest::CommandResult result =
      fmtest::run_command({kPython, "-c", script, kExamples, path});
  std::remove(path.c_str());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::string expected;
  for (const auto& [value, line] : cases) expected += line + "\n";
  EXPECT_EQ(result.output, expected);
}

class PythonExample : public fmtest::PopulatedPipelineTest {};

TEST_F(PythonExample, PrintsThePipelinesValues) {
  const fmtest::CommandResult result = fmtest::run_command(
      {kPython, kExamples + "/read_results.py"},
      {"DATABASE_URL=" + fmtest::database_url(), "FMPIPE_SCHEMA_PREFIX=" + prefix});
  ASSERT_EQ(result.exit_code, 0) << result.output;

  const facemap::FacemapResult signal = pipeline::fetch_facial_signal(*pipe, task_key);
  const Eigen::VectorXd& area = signal.pupils.at(0).area;
  double sum = 0;
  int open = 0;
  for (double a : area)
    if (!std::isnan(a)) sum += a, ++open;
  EXPECT_NE(result.output.find("mean area " + format("%.4f", sum / open) + " px^2 over " +
                               std::to_string(open) + " frames"),
            std::string::npos)
      << result.output;
  const auto& motion = *signal.svd_regions.at(0).motion_svd;
  EXPECT_NE(result.output.find("motion component 0: singular value " +
                               format("%.2f", motion.singular_values[0]) + ", mask " +
                               std::to_string(motion.ly) + "x" + std::to_string(motion.lx) +
                               ", projection of " + std::to_string(kFrames) + " frames"),
            std::string::npos)
      << result.output;

  const facemap::PoseTracks tracks = pipeline::fetch_keypoints(*pipe, inference_key);
  const auto nose = std::find(tracks.bodyparts.begin(), tracks.bodyparts.end(), "nose(tip)") -
                    tracks.bodyparts.begin();
  const double mean_x = tracks.x.col(nose).cast<double>().mean();
  EXPECT_NE(result.output.find("keypoint nose(tip): mean x " + format("%.4f", mean_x)),
            std::string::npos)
      << result.output;
}
