// FacemapTask.facemap_params in Facemap's form (pipeline/task_params.hpp): the blob goes through
// the engine's one reader of Facemap's settings (facemap/io/proc_settings.hpp).

#include "pipeline/task_params.hpp"

#include <numeric>
#include <stdexcept>
#include <string>

#include "blob_pickle.hpp"

namespace pipeline {
namespace {

namespace pickle = facemap::pickle;

const pickle::Dict& as_dict(const pickle::Value& value) {
  if (value.kind() != pickle::Value::Kind::dict)
    throw std::invalid_argument("facemap_params: expected a dict, found " + value.kind_name());
  return value.as_dict();
}

// A region dict of earlier versions: crop-sized `reflectors` masks and a `name`.
std::optional<pickle::Value> migrated_region(const pickle::Value& region, std::size_t index) {
  if (region.kind() != pickle::Value::Kind::dict) return std::nullopt;
  const pickle::Dict& old = region.as_dict();
  if (!old.contains("reflectors") && !old.contains("name")) return std::nullopt;
  pickle::Dict kept;
  for (const auto& [key, value] : old.entries()) {
    if (key.kind() == pickle::Value::Kind::str &&
        (key.as_str() == "reflectors" || key.as_str() == "name"))
      continue;
    kept.set(key, value);
  }
  facemap::SettingsWarnings unused;
  const std::string where = "rois[" + std::to_string(index) + "]";
  facemap::Roi roi = facemap::read_roi_dict(kept, where, unused);
  if (const pickle::Value* name = old.find("name");
      name && name->kind() == pickle::Value::Kind::str && !name->as_str().empty())
    roi.name = name->as_str();
  if (const pickle::Value* masks = old.find("reflectors")) {
    for (const pickle::Value& mask : masks->items()) {
      const facemap::RowMajorArray& array = mask.as_ndarray();
      if (array.ndim() != 2 || array.shape()[0] != static_cast<std::int64_t>(roi.yrange.size()) ||
          array.shape()[1] != static_cast<std::int64_t>(roi.xrange.size()))
        throw std::invalid_argument("facemap_params: " + where + ".reflectors: a " +
                                    array.describe() + " is not a mask of the region's crop");
      roi.reflectors.push_back(array.matrix<bool>().array());
    }
  }
  return facemap::roi_dict(roi, index);
}

}  // namespace

facemap::Roi rectangle_roi(facemap::RoiType type, int y0, int y1, int x0, int x1,
                           double saturation) {
  if (y1 <= y0 || x1 <= x0 || y0 < 0 || x0 < 0) {
    throw std::invalid_argument("region [" + std::to_string(y0) + ", " + std::to_string(y1) +
                                ") x [" + std::to_string(x0) + ", " + std::to_string(x1) +
                                ") is empty or negative");
  }
  facemap::Roi roi;
  roi.type = type;
  roi.name = facemap::rtype_label(type);
  roi.yrange.resize(static_cast<size_t>(y1 - y0));
  std::iota(roi.yrange.begin(), roi.yrange.end(), y0);
  roi.xrange.resize(static_cast<size_t>(x1 - x0));
  std::iota(roi.xrange.begin(), roi.xrange.end(), x0);
  roi.saturation = saturation;
  return roi;
}

dj::BlobValue to_facemap_params(const facemap::SvdParams& params) {
  facemap::ProcSettings settings;
  settings.sbin = params.sbin;
  settings.full_svd = params.full_frame;
  settings.components = params.components;
  settings.rois = params.rois;
  return to_blob_value(facemap::settings_dict(settings));
}

facemap::SvdParams svd_params(const facemap::ProcSettings& settings, bool motion_svd,
                              bool movie_svd) {
  facemap::SvdParams params;
  params.motion_svd = motion_svd;
  params.movie_svd = movie_svd;
  params.sbin = settings.sbin;
  params.full_frame = settings.full_svd;
  if (settings.components) params.components = *settings.components;
  params.rois = settings.rois;
  return params;
}

TaskSettings read_facemap_params(const dj::BlobValue& value, bool motion_svd, bool movie_svd) {
  facemap::ProcSettings settings;
  try {
    settings = facemap::read_proc_settings(as_dict(to_pickle(value, "")));
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    if (message.rfind("facemap_params", 0) == 0) throw;
    throw std::invalid_argument("facemap_params: " + message);
  }
  TaskSettings task;
  task.params = svd_params(settings, motion_svd, movie_svd);
  task.filenames = std::move(settings.filenames);
  for (auto& warning : settings.warnings) task.warnings.push_back("facemap_params: " + warning);
  return task;
}

facemap::SvdParams from_facemap_params(const dj::BlobValue& value, bool motion_svd,
                                       bool movie_svd) {
  return read_facemap_params(value, motion_svd, movie_svd).params;
}

std::optional<dj::BlobValue> migrate_facemap_params(const dj::BlobValue& stored) {
  const pickle::Value value = to_pickle(stored, "");
  const pickle::Dict& dict = as_dict(value);
  const pickle::Value* rois = dict.find("rois");
  if (!rois ||
      (rois->kind() != pickle::Value::Kind::list && rois->kind() != pickle::Value::Kind::tuple))
    return std::nullopt;
  bool changed = false;
  pickle::Items regions;
  for (std::size_t i = 0; i < rois->items().size(); ++i) {
    std::optional<pickle::Value> migrated = migrated_region(rois->items()[i], i);
    changed = changed || migrated.has_value();
    regions.push_back(migrated ? *migrated : rois->items()[i]);
  }
  if (!changed) return std::nullopt;
  pickle::Dict result;
  for (const auto& [key, item] : dict.entries())
    result.set(key, key.kind() == pickle::Value::Kind::str && key.as_str() == "rois"
                        ? pickle::Value::list(regions)
                        : item);
  return to_blob_value(pickle::Value::dict(std::move(result)));
}

}  // namespace pipeline
