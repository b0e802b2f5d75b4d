// Facemap's pose metadata pickle.

#include "facemap/io/pose_metadata.hpp"

#include "binary_file.hpp"
#include "facemap/io/pickle.hpp"
#include "facemap/io/pose_h5.hpp"

namespace facemap {
namespace {

using pickle::Items;
using pickle::Value;

Value int_list(const std::vector<int>& numbers) {
  Items items;
  for (const int number : numbers) items.push_back(Value::integer(number));
  return Value::list(std::move(items));
}

std::vector<int> ints(const Value& list) {
  std::vector<int> numbers;
  for (const Value& item : list.items()) numbers.push_back(static_cast<int>(item.as_int()));
  return numbers;
}

std::filesystem::path beside(const std::filesystem::path& folder,
                             const std::filesystem::path& video, const char* suffix) {
  return folder / (video.stem().string() + suffix);
}

}  // namespace

std::filesystem::path pose_h5_path(const std::filesystem::path& folder,
                                   const std::filesystem::path& video) {
  return beside(folder, video, "_FacemapPose.h5");
}

std::filesystem::path pose_metadata_path(const std::filesystem::path& folder,
                                         const std::filesystem::path& video) {
  return beside(folder, video, "_FacemapPose_metadata.pkl");
}

void write_pose_metadata(const std::filesystem::path& path, const PoseMetadata& metadata) {
  pickle::Dict dict;
  dict.set("batch_size", Value::integer(metadata.batch_size));
  dict.set("image_size", Value::tuple({int_list(metadata.ly), int_list(metadata.lx)}));
  const CropBox& box = metadata.bbox;
  dict.set("bbox", int_list({box.row_begin, box.row_end, box.col_begin, box.col_end}));
  dict.set("total_frames", Value::integer(metadata.total_frames));
  Items bodyparts;
  for (const std::string& name : metadata.bodyparts) bodyparts.push_back(Value::str(name));
  dict.set("bodyparts", Value::list(std::move(bodyparts)));
  dict.set("inference_speed", Value::real(metadata.inference_speed));
  detail::write_binary_file<PoseFileError>(path, pickle::write_pickle(Value::dict(dict)));
}

PoseMetadata read_pose_metadata(const std::filesystem::path& path) {
  std::string key;  // the entry being read, for the error message
  try {
    const Value file = pickle::read_pickle_file(path);
    const pickle::Dict& dict = file.as_dict();
    const auto entry = [&](const char* name) -> const Value& {
      key = name;
      return dict.at(name);
    };
    PoseMetadata metadata;
    metadata.batch_size = static_cast<int>(entry("batch_size").as_int());
    const Items& image_size = entry("image_size").items();
    if (image_size.size() != 2) throw std::invalid_argument("expected (Ly, Lx)");
    metadata.ly = ints(image_size[0]);
    metadata.lx = ints(image_size[1]);
    const std::vector<int> box = ints(entry("bbox"));
    if (box.size() < 4) throw std::invalid_argument("expected [x1, x2, y1, y2]");
    metadata.bbox = {box[0], box[1], box[2], box[3]};
    metadata.total_frames = static_cast<int>(entry("total_frames").as_int());
    for (const Value& name : entry("bodyparts").items())
      metadata.bodyparts.push_back(name.as_str());
    metadata.inference_speed = entry("inference_speed").as_double();
    return metadata;
  } catch (const pickle::PickleError& error) {
    throw PoseFileError(error.what());
  } catch (const std::exception& error) {
    throw PoseFileError(path.string() + ": " + (key.empty() ? "" : "entry '" + key + "': ") +
                        error.what());
  }
}

}  // namespace facemap
