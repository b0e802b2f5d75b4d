// FacemapPose.h5 through the HDF5 C API.

#include "facemap/io/pose_h5.hpp"

#include <hdf5.h>

#include "facemap/io/partial_file.hpp"

namespace facemap {
namespace {

const char* const root_group = "Facemap";
const char* const coordinate_names[] = {"x", "y", "likelihood"};

// An HDF5 identifier, closed by its own close function when it goes out of scope.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// HDF5 prints an error stack for every failed call; we report failures as exceptions instead,
// so its printing is off while a file is read or written.
class QuietHdf5Errors {
 public:
  QuietHdf5Errors() {
    H5Eget_auto2(H5E_DEFAULT, &print_, &print_data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, print_, print_data_); }
  QuietHdf5Errors(const QuietHdf5Errors&) = delete;
  QuietHdf5Errors& operator=(const QuietHdf5Errors&) = delete;

 private:
  H5E_auto2_t print_ = nullptr;
  void* print_data_ = nullptr;
};

class PoseFile {
 public:
  explicit PoseFile(const std::filesystem::path& path) : path_(path.string()) {}

  [[noreturn]] void fail(const std::string& reason) const {
    throw PoseFileError(path_ + ": " + reason);
  }

  void check(herr_t status, const std::string& what) const {
    if (status < 0) fail(what + " failed");
  }

  Handle opened(hid_t id, herr_t (*close)(hid_t), const std::string& what) const {
    if (id < 0) fail("cannot " + what);
    return Handle(id, close);
  }

  std::vector<float> read_values(hid_t group, const std::string& bodypart,
                                 const char* coordinate) const {
    const std::string where = "/" + std::string(root_group) + "/" + bodypart + "/" + coordinate;
    const Handle dataset =
        opened(H5Dopen2(group, coordinate, H5P_DEFAULT), H5Dclose, "open dataset " + where);
    const Handle space =
        opened(H5Dget_space(dataset.get()), H5Sclose, "read the shape of " + where);
    if (H5Sget_simple_extent_ndims(space.get()) != 1) fail(where + " is not one-dimensional");
    hsize_t length = 0;
    H5Sget_simple_extent_dims(space.get(), &length, nullptr);
    std::vector<float> values(length);
    check(H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "reading " + where);
    return values;
  }

  void write_values(hid_t group, const std::string& bodypart, const char* coordinate,
                    const Eigen::VectorXf& values) const {
    const std::string where = "/" + std::string(root_group) + "/" + bodypart + "/" + coordinate;
    const hsize_t length = values.size();
    const Handle space =
        opened(H5Screate_simple(1, &length, nullptr), H5Sclose, "describe the shape of " + where);
    const Handle dataset = opened(H5Dcreate2(group, coordinate, H5T_IEEE_F32LE, space.get(),
                                             H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                  H5Dclose, "create dataset " + where);
    check(H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "writing " + where);
  }

  // The group's members in creation order when the file records it, else in name order.
  std::vector<std::string> member_names(hid_t group) const {
    const Handle properties = opened(H5Gget_create_plist(group), H5Pclose, "read /Facemap");
    unsigned order_flags = 0;
    check(H5Pget_link_creation_order(properties.get(), &order_flags), "reading /Facemap's order");
    const H5_index_t index =
        (order_flags & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
    H5G_info_t info;
    check(H5Gget_info(group, &info), "listing /Facemap");
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      const ssize_t size =
          H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (size < 0) fail("cannot list /Facemap");
      std::string name(static_cast<std::size_t>(size) + 1, '\0');
      H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
      name.resize(static_cast<std::size_t>(size));
      names.push_back(name);
    }
    return names;
  }

 private:
  std::string path_;
};

// The group /Facemap with one group of datasets per bodypart, in `file`.
void write_tracks(const PoseFile& pose, hid_t file, const PoseTracks& tracks) {
  const auto count = static_cast<Eigen::Index>(tracks.bodyparts.size());
  const Handle ordered = pose.opened(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "configure /Facemap");
  pose.check(
      H5Pset_link_creation_order(ordered.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
      "recording the bodyparts' order");
  const Handle root =
      pose.opened(H5Gcreate2(file, root_group, H5P_DEFAULT, ordered.get(), H5P_DEFAULT), H5Gclose,
                  "create the group /Facemap");
  for (Eigen::Index column = 0; column < count; ++column) {
    const std::string& bodypart = tracks.bodyparts[column];
    const Handle group =
        pose.opened(H5Gcreate2(root.get(), bodypart.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    H5Gclose, "create the group /Facemap/" + bodypart);
    const Eigen::MatrixXf* const matrices[] = {&tracks.x, &tracks.y, &tracks.likelihood};
    for (int coordinate = 0; coordinate < 3; ++coordinate)
      pose.write_values(group.get(), bodypart, coordinate_names[coordinate],
                        matrices[coordinate]->col(column));
  }
  pose.check(H5Fflush(file, H5F_SCOPE_LOCAL), "writing the file");
}

}  // namespace

PoseTracks read_pose_h5(const std::filesystem::path& path) {
  const QuietHdf5Errors quiet;
  const PoseFile pose(path);
  const Handle file = pose.opened(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                                  "open as an HDF5 file");
  const Handle root = pose.opened(H5Gopen2(file.get(), root_group, H5P_DEFAULT), H5Gclose,
                                  "open the group /Facemap");
  PoseTracks tracks;
  tracks.bodyparts = pose.member_names(root.get());
  Eigen::MatrixXf* const matrices[] = {&tracks.x, &tracks.y, &tracks.likelihood};
  const auto count = static_cast<Eigen::Index>(tracks.bodyparts.size());
  for (Eigen::Index column = 0; column < count; ++column) {
    const std::string& bodypart = tracks.bodyparts[column];
    const Handle group = pose.opened(H5Gopen2(root.get(), bodypart.c_str(), H5P_DEFAULT), H5Gclose,
                                     "open the group /Facemap/" + bodypart);
    for (int coordinate = 0; coordinate < 3; ++coordinate) {
      const std::vector<float> values =
          pose.read_values(group.get(), bodypart, coordinate_names[coordinate]);
      const auto frames = static_cast<Eigen::Index>(values.size());
      if (column == 0 && coordinate == 0)
        for (Eigen::MatrixXf* matrix : matrices) matrix->resize(frames, count);
      if (frames != tracks.x.rows())
        pose.fail("/Facemap/" + bodypart + "/" + coordinate_names[coordinate] + " has " +
                  std::to_string(frames) + " frames, /Facemap/" + tracks.bodyparts[0] + "/x " +
                  std::to_string(tracks.x.rows()));
      matrices[coordinate]->col(column) = Eigen::Map<const Eigen::VectorXf>(values.data(), frames);
    }
  }
  return tracks;
}

void write_pose_h5(const std::filesystem::path& path, const PoseTracks& tracks) {
  const PoseFile pose(path);
  const auto count = static_cast<Eigen::Index>(tracks.bodyparts.size());
  for (const Eigen::MatrixXf* matrix : {&tracks.x, &tracks.y, &tracks.likelihood})
    if (matrix->cols() != count || matrix->rows() != tracks.x.rows())
      pose.fail("x, y and likelihood must all be frames x " + std::to_string(count) + " bodyparts");
  for (const std::string& bodypart : tracks.bodyparts)
    if (bodypart.empty() || bodypart.find('/') != std::string::npos || bodypart == ".")
      pose.fail("'" + bodypart + "' cannot name an HDF5 group");

  try {
    PartialFile partial(path);
    {
      const QuietHdf5Errors quiet;
      const Handle file =
          pose.opened(H5Fcreate(partial.path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                      H5Fclose, "create the file");
      write_tracks(pose, file.get(), tracks);
    }  // closed before it takes its name
    partial.commit();
  } catch (const FileWriteError& error) {
    throw PoseFileError(error.what());
  }
}

}  // namespace facemap
