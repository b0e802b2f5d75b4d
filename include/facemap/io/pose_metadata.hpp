#pragma once
// What Facemap records about a pose run next to its keypoints: `<video stem>_FacemapPose.h5`
// (facemap/io/pose_h5.hpp) comes with `<video stem>_FacemapPose_metadata.pkl`, a pickled dict
// {"batch_size", "image_size": ([Ly...], [Lx...]), "bbox": [x1, x2, y1, y2], "total_frames",
// "bodyparts", "inference_speed"}.

#include <filesystem>
#include <string>
#include <vector>

#include "facemap/crop_box.hpp"

namespace facemap {

/// The metadata of one pose run.
struct PoseMetadata {
  int batch_size = 1;       ///< frames normalised together (Facemap's batch size)
  std::vector<int> ly, lx;  ///< full-frame height and width of each view
  CropBox bbox;             ///< the crop the network saw
  int total_frames = 0;
  std::vector<std::string> bodyparts;  ///< in the network's output order
  double inference_speed = 0;          ///< frames per second of preprocessing, network, decoding
};

/// `<folder>/<video stem>_FacemapPose.h5`, where Facemap puts a video's keypoints.
std::filesystem::path pose_h5_path(const std::filesystem::path& folder,
                                   const std::filesystem::path& video);
/// `<folder>/<video stem>_FacemapPose_metadata.pkl`.
std::filesystem::path pose_metadata_path(const std::filesystem::path& folder,
                                         const std::filesystem::path& video);

/// Writes the metadata pickle as Facemap does (Python reads it with pickle.load), whole or not at
/// all (facemap/io/partial_file.hpp). Throws PoseFileError naming the file when it cannot be
/// written.
void write_pose_metadata(const std::filesystem::path& path, const PoseMetadata& metadata);

/// Reads a metadata pickle of Facemap's or ours. Throws PoseFileError (facemap/io/pose_h5.hpp)
/// naming the file and the reason: unreadable, or an entry missing or of the wrong type.
PoseMetadata read_pose_metadata(const std::filesystem::path& path);

}  // namespace facemap
