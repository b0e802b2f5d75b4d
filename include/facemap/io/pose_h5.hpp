#pragma once
// Facemap's keypoint file `<stem>_FacemapPose.h5`: a group /Facemap with one group per bodypart,
// each holding float32 datasets x, y and likelihood with one value per frame.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace facemap {

/// Keypoint tracks of one recording: column j of each matrix is bodyparts[j], one row per frame;
/// x and y in pixels of the full frame, likelihood in [0, 1].
struct PoseTracks {
  std::vector<std::string> bodyparts;
  Eigen::MatrixXf x, y, likelihood;  ///< nframes x bodyparts.size()
};

/// A pose file that cannot be read or written; the message names the file and the dataset.
class PoseFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads a FacemapPose.h5 file. Bodyparts come in the file's creation order when it records one
/// (files written by write_pose_h5 do), otherwise in name order, which is what h5py gives for
/// Facemap's own files; match columns by name, not position.
PoseTracks read_pose_h5(const std::filesystem::path& path);

/// Writes `tracks` in Facemap's layout, recording the bodyparts' order. The file is replaced
/// only once the new one is complete (facemap/io/partial_file.hpp).
/// Throws PoseFileError when the three matrices do not all have bodyparts.size() columns and
/// the same number of rows, or when HDF5 fails.
void write_pose_h5(const std::filesystem::path& path, const PoseTracks& tracks);

}  // namespace facemap
