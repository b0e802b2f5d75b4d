// FacemapPose.h5: Facemap's own files against its keypoint arrays, our round trip, and errors.

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

#include <gtest/gtest.h>

#include "facemap/io/npy.hpp"
#include "facemap/io/pickle.hpp"
#include "facemap/io/pose_h5.hpp"
#include "support/file_layout.hpp"
#include "support/test_database.hpp"

namespace fs = std::filesystem;
using facemap::PoseTracks;
using facemap::read_pose_h5;
using facemap::write_pose_h5;

namespace {

fs::path temporary(const std::string& name) {
  return fs::temp_directory_path() / ("fmpipe_test_pose_" + std::to_string(getpid()) + "_" + name);
}

std::string error_of(const std::function<void()>& work) {
  try {
    work();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "";
}

// Facemap's pose run for one synthetic video: its .h5 file against the (frames, 15) arrays it
// also saved, whose columns follow the bodypart order of the run's metadata pickle.
void expect_file_matches_arrays(const std::string& stem, Eigen::Index frames) {
  const PoseTracks tracks =
      read_pose_h5(fmtest::shared_fixture("fmnet/" + stem + "_FacemapPose.h5"));
  ASSERT_EQ(tracks.bodyparts.size(), 15u);
  EXPECT_EQ(tracks.bodyparts.front(), "eye(back)");  // h5py records no order: names sorted
  EXPECT_EQ(tracks.bodyparts.back(), "whisker(III)");
  ASSERT_EQ(tracks.x.rows(), frames);
  const facemap::pickle::Value metadata = facemap::pickle::read_pickle_file(
      fmtest::shared_fixture("fmnet/" + stem + "_FacemapPose_metadata.pkl"));
  const auto& order = metadata.as_dict().at("bodyparts").as_list();
  const auto array = [&](const std::string& what) {
    return facemap::read_npy(fmtest::shared_fixture("fmnet/" + stem + "_kp_" + what + ".npy"))
        .matrix<float>();
  };
  const Eigen::MatrixXf x = array("x"), y = array("y"), likelihood = array("likelihood");
  for (std::size_t column = 0; column < order.size(); ++column) {
    const auto found =
        std::find(tracks.bodyparts.begin(), tracks.bodyparts.end(), order[column].as_str());
    ASSERT_NE(found, tracks.bodyparts.end()) << order[column].as_str();
    const Eigen::Index ours = found - tracks.bodyparts.begin();
    EXPECT_EQ(tracks.x.col(ours), x.col(column)) << *found;
    EXPECT_EQ(tracks.y.col(ours), y.col(column)) << *found;
    EXPECT_EQ(tracks.likelihood.col(ours), likelihood.col(column)) << *found;
  }
}

}  // namespace

TEST(PoseH5, FacemapsFilesMatchItsKeypointArrays) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, "fmnet/pose_synth_160x200_FacemapPose.h5");
  expect_file_matches_arrays("pose_synth_160x200", 30);
  expect_file_matches_arrays("pose_synth_171x128", 20);
  EXPECT_FLOAT_EQ(read_pose_h5(path).x(0, 0), 11.01487f);
}

TEST(PoseH5, WrittenFileHasTheLayoutOfFacemapsFile) {
  // Facemap's keypoints (tests/data/fmnet), written by our writer: the file must hold the same
  // objects as Facemap's (h5py's) file, read with the HDF5 C API rather than our reader: groups,
  // dataset names, dtypes, shapes, storage, filters, attributes, and every value.
  for (const std::string stem : {"pose_synth_160x200", "pose_synth_171x128"}) {
    SCOPED_TRACE(stem);
    const fs::path facemaps = fmtest::test_data("fmnet/" + stem + "_FacemapPose.h5");
    const fs::path ours = temporary(stem + "_FacemapPose.h5");
    write_pose_h5(ours, read_pose_h5(facemaps));
    const auto expected = fmtest::hdf5_objects(facemaps), written = fmtest::hdf5_objects(ours);
    // The root, /Facemap, 15 bodypart groups with x, y and likelihood each.
    EXPECT_EQ(expected.size(), 2u + 15 * 4);
    for (const auto& [name, want] : expected) {
      SCOPED_TRACE(name);
      const auto found = written.find(name);
      ASSERT_NE(found, written.end()) << "missing from our file";
      const fmtest::Hdf5Object& got = found->second;
      EXPECT_EQ(got.kind, want.kind);
      EXPECT_EQ(got.dtype, want.dtype);
      EXPECT_EQ(got.shape, want.shape);
      EXPECT_EQ(got.storage, want.storage);
      EXPECT_EQ(got.filters, want.filters);
      EXPECT_EQ(got.attributes, want.attributes);
      EXPECT_EQ(got.values, want.values);
    }
    for (const auto& [name, object] : written)
      EXPECT_TRUE(expected.count(name))
          << name << " (" << object.kind << ") is not in Facemap's file";
    // What Facemap's datasets are, so that a wrong expectation cannot hide behind equal files.
    const fmtest::Hdf5Object& x = expected.at("/Facemap/paw/x");
    EXPECT_EQ(x.dtype, "float32 little-endian");
    EXPECT_EQ(x.shape, std::vector<std::uint64_t>{stem == "pose_synth_160x200" ? 30u : 20u});
    fs::remove(ours);
  }
}

TEST(PoseH5, RoundTripKeepsTheBodypartOrder) {
  PoseTracks tracks;
  tracks.bodyparts = {"whisker(III)", "whisker(II)", "eye(back)"};
  tracks.x = Eigen::MatrixXf::Random(4, 3);
  tracks.y = Eigen::MatrixXf::Random(4, 3);
  tracks.likelihood = Eigen::MatrixXf::Random(4, 3).cwiseAbs();
  const fs::path path = temporary("pose.h5");
  write_pose_h5(path, tracks);
  const PoseTracks back = read_pose_h5(path);
  EXPECT_EQ(back.bodyparts, tracks.bodyparts);
  EXPECT_EQ(back.x, tracks.x);
  EXPECT_EQ(back.y, tracks.y);
  EXPECT_EQ(back.likelihood, tracks.likelihood);
  fs::remove(path);
}

TEST(PoseH5, ErrorsNameTheFile) {
  const fs::path path = temporary("bad.h5");
  std::ofstream(path) << "not hdf5";
  EXPECT_EQ(error_of([&] { read_pose_h5(path); }), path.string() + ": cannot open as an HDF5 file");

  PoseTracks tracks;
  tracks.bodyparts = {"nose"};
  tracks.x = Eigen::MatrixXf::Zero(3, 1);
  tracks.y = Eigen::MatrixXf::Zero(3, 1);
  tracks.likelihood = Eigen::MatrixXf::Zero(2, 1);
  EXPECT_EQ(error_of([&] { write_pose_h5(path, tracks); }),
            path.string() + ": x, y and likelihood must all be frames x 1 bodyparts");
  tracks.likelihood = Eigen::MatrixXf::Zero(3, 1);
  tracks.bodyparts = {"a/b"};
  EXPECT_EQ(error_of([&] { write_pose_h5(path, tracks); }),
            path.string() + ": 'a/b' cannot name an HDF5 group");
  fs::remove(path);
}
