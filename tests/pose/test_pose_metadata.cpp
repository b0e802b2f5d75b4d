// Facemap's pose metadata pickle: Facemap's own files, ours read back, file names, errors.

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "facemap/io/pickle.hpp"
#include "facemap/io/pose_h5.hpp"
#include "facemap/io/pose_metadata.hpp"
#include "pose/pose_test_files.hpp"
#include "support/file_layout.hpp"

using facemap::PoseMetadata;

namespace {

TEST(PoseMetadata, ReadsFacemapsFiles) {
  const PoseMetadata metadata = facemap::read_pose_metadata(
      fmtest::test_data("fmnet/pose_synth_171x128_FacemapPose_metadata.pkl"));
  EXPECT_EQ(metadata.batch_size, 1);
  EXPECT_EQ(metadata.ly, std::vector<int>{171});
  EXPECT_EQ(metadata.lx, std::vector<int>{128});
  EXPECT_EQ(metadata.bbox, (facemap::CropBox{0, 171, 0, 128}));
  EXPECT_EQ(metadata.total_frames, 20);
  ASSERT_EQ(metadata.bodyparts.size(), 15u);
  EXPECT_EQ(metadata.bodyparts[14], "whisker(II)");
  EXPECT_GT(metadata.inference_speed, 0);
}

TEST(PoseMetadata, OursReadsBackEqual) {
  PoseMetadata metadata;
  metadata.batch_size = 4;
  metadata.ly = {480, 240};
  metadata.lx = {640, 320};
  metadata.bbox = {10, 250, 20, 300};
  metadata.total_frames = 1234;
  metadata.bodyparts = {"paw", "nose(tip)"};
  metadata.inference_speed = 87.5;
  const auto path = fmtest::pose_temporary("metadata.pkl");
  facemap::write_pose_metadata(path, metadata);
  const PoseMetadata back = facemap::read_pose_metadata(path);
  EXPECT_EQ(back.batch_size, 4);
  EXPECT_EQ(back.ly, metadata.ly);
  EXPECT_EQ(back.lx, metadata.lx);
  EXPECT_EQ(back.bbox, metadata.bbox);
  EXPECT_EQ(back.total_frames, 1234);
  EXPECT_EQ(back.bodyparts, metadata.bodyparts);
  EXPECT_EQ(back.inference_speed, 87.5);
  std::filesystem::remove(path);
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(PoseMetadata, WrittenFileHasTheLayoutOfFacemapsFile) {
  // Facemap's metadata read and written again by us: the pickle must hold what Facemap's holds,
  // entry by entry in Facemap's order, with the same kinds (tuple of lists, list of ints, ints
  // and floats apart) and values. Both are read as raw pickles, not with read_pose_metadata.
  // Facemap's total_frames and inference_speed are numpy scalars (np.int64, np.float64), ours
  // Python int and float: the pickle reader reads both as numbers, and Python code (Facemap's
  // included) uses them alike.
  for (const std::string stem : {"pose_synth_160x200", "pose_synth_171x128"}) {
    SCOPED_TRACE(stem);
    const auto facemaps = fmtest::test_data("fmnet/" + stem + "_FacemapPose_metadata.pkl");
    const auto ours = fmtest::pose_temporary(stem + "_metadata.pkl");
    facemap::write_pose_metadata(ours, facemap::read_pose_metadata(facemaps));
    const facemap::pickle::Value expected = fmtest::read_pickle_structure(file_bytes(facemaps));
    const facemap::pickle::Value written = fmtest::read_pickle_structure(file_bytes(ours));
    EXPECT_EQ(fmtest::pickle_layout(written), fmtest::pickle_layout(expected));
    // The keys Facemap writes, so that the comparison is known to cover them.
    std::vector<std::string> keys;
    for (const auto& [key, value] : expected.as_dict().entries()) keys.push_back(key.as_str());
    EXPECT_EQ(keys, (std::vector<std::string>{"batch_size", "image_size", "bbox", "total_frames",
                                              "bodyparts", "inference_speed"}));
    std::filesystem::remove(ours);
  }
}

TEST(PoseMetadata, FileNamesFollowTheVideo) {
  EXPECT_EQ(facemap::pose_h5_path("/out", "/data/mouse1/cam0.avi"),
            std::filesystem::path("/out/cam0_FacemapPose.h5"));
  EXPECT_EQ(facemap::pose_metadata_path("/out", "cam0.mp4"),
            std::filesystem::path("/out/cam0_FacemapPose_metadata.pkl"));
}

TEST(PoseMetadata, BrokenFilesNameTheFileAndEntry) {
  const auto path = fmtest::pose_temporary("broken.pkl");
  std::ofstream(path) << "not a pickle";
  try {
    facemap::read_pose_metadata(path);
    FAIL() << "no error";
  } catch (const facemap::PoseFileError& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
  // A pickled dict with only a batch size.
  facemap::pickle::Dict partial;
  partial.set("batch_size", facemap::pickle::Value::integer(1));
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      << facemap::pickle::write_pickle(facemap::pickle::Value::dict(partial));
  try {
    facemap::read_pose_metadata(path);
    FAIL() << "no error";
  } catch (const facemap::PoseFileError& error) {
    EXPECT_NE(std::string(error.what()).find("entry 'image_size'"), std::string::npos)
        << error.what();
  }
  std::filesystem::remove(path);
  EXPECT_THROW(facemap::read_pose_metadata("/nonexistent/m.pkl"), facemap::PoseFileError);
}

}  // namespace
