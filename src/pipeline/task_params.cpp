#include "pipeline/task_params.hpp"

#include <numeric>
#include <stdexcept>
#include <string>

namespace pipeline {
namespace {

using BoolMask = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;

const char* type_name(facemap::RoiType type) {
  switch (type) {
    case facemap::RoiType::pupil:
      return "Pupil";
    case facemap::RoiType::motion:
      return "motion SVD";
    case facemap::RoiType::blink:
      return "Blink";
    case facemap::RoiType::running:
      return "Running";
    case facemap::RoiType::keypoint_box:
      return "Keypoints";
  }
  return "?";
}

dj::NdArray index_array(const std::vector<int>& indices) {
  return dj::NdArray::from_vector(std::vector<std::int64_t>(indices.begin(), indices.end()));
}

const dj::BlobValue* find(const dj::BlobDict& dict, const std::string& key) {
  for (const auto& [k, v] : dict.items) {
    if (k.is<std::string>() && k.as<std::string>() == key) return &v;
  }
  return nullptr;
}

[[noreturn]] void malformed(const std::string& where, const std::string& reason) {
  throw std::invalid_argument("facemap_params: " + where + ": " + reason);
}

long long integer(const dj::BlobValue& value, const std::string& where) {
  if (value.is<std::int64_t>()) return value.as<std::int64_t>();
  if (value.is<bool>()) return value.as<bool>() ? 1 : 0;
  if (value.is<dj::NdArray>()) return value.as<dj::NdArray>().item<std::int64_t>();
  malformed(where, "expected an integer, found " + value.type_name());
}

double number(const dj::BlobValue& value, const std::string& where) {
  if (value.is<double>()) return value.as<double>();
  if (value.is<std::int64_t>()) return static_cast<double>(value.as<std::int64_t>());
  if (value.is<dj::NdArray>())
    return value.as<dj::NdArray>().item<double>(dj::Conversion::to_floating_point);
  malformed(where, "expected a number, found " + value.type_name());
}

std::vector<int> indices(const dj::BlobValue& value, const std::string& where) {
  if (!value.is<dj::NdArray>())
    malformed(where, "expected an integer array, found " + value.type_name());
  std::vector<int> out;
  const auto& array = value.as<dj::NdArray>();
  for (double v : array.to_vector<double>(dj::Conversion::to_floating_point))
    out.push_back(static_cast<int>(v));
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i] != out[i - 1] + 1) malformed(where, "indices must be consecutive");
  }
  if (out.empty()) malformed(where, "is empty");
  return out;
}

const std::vector<dj::BlobValue>& sequence(const dj::BlobValue& value, const std::string& where) {
  if (value.is<dj::BlobList>()) return value.as<dj::BlobList>().items;
  if (value.is<dj::BlobTuple>()) return value.as<dj::BlobTuple>().items;
  if (value.is<dj::ObjectArray>()) return value.as<dj::ObjectArray>().elements;
  malformed(where, "expected a list, found " + value.type_name());
}

facemap::Roi roi_from_dict(const dj::BlobValue& value, const std::string& where) {
  if (!value.is<dj::BlobDict>()) malformed(where, "expected a dict, found " + value.type_name());
  const auto& dict = value.as<dj::BlobDict>();
  const auto required = [&](const std::string& key) -> const dj::BlobValue& {
    const dj::BlobValue* v = find(dict, key);
    if (!v) malformed(where, "missing '" + key + "'");
    return *v;
  };
  facemap::Roi roi;
  const long long code = integer(required("rind"), where + ".rind");
  if (code < 0 || code > 4)
    malformed(where + ".rind", "must be 0 to 4, not " + std::to_string(code));
  roi.type = static_cast<facemap::RoiType>(code);
  roi.yrange = indices(required("yrange"), where + ".yrange");
  roi.xrange = indices(required("xrange"), where + ".xrange");
  if (const auto* name = find(dict, "name"); name && name->is<std::string>())
    roi.name = name->as<std::string>();
  if (const auto* view = find(dict, "ivid"))
    roi.view = static_cast<int>(integer(*view, where + ".ivid"));
  if (const auto* s = find(dict, "saturation")) roi.saturation = number(*s, where + ".saturation");
  if (const auto* s = find(dict, "pupil_sigma"))
    roi.pupil_sigma = number(*s, where + ".pupil_sigma");
  if (const auto* e = find(dict, "ellipse"))
    roi.ellipse = e->as<dj::NdArray>().to_eigen<BoolMask>();
  if (const auto* r = find(dict, "reflectors")) {
    for (const auto& mask : sequence(*r, where + ".reflectors")) {
      roi.reflectors.push_back(mask.as<dj::NdArray>().to_eigen<BoolMask>());
    }
  }
  return roi;
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
  roi.name = type_name(type);
  roi.yrange.resize(static_cast<size_t>(y1 - y0));
  std::iota(roi.yrange.begin(), roi.yrange.end(), y0);
  roi.xrange.resize(static_cast<size_t>(x1 - x0));
  std::iota(roi.xrange.begin(), roi.xrange.end(), x0);
  roi.saturation = saturation;
  return roi;
}

dj::BlobValue to_facemap_params(const facemap::SvdParams& params) {
  dj::BlobList rois;
  for (const auto& roi : params.rois) {
    dj::BlobDict dict;
    dict.items.emplace_back("rind", static_cast<std::int64_t>(roi.type));
    dict.items.emplace_back("rtype", std::string(type_name(roi.type)));
    dict.items.emplace_back("name", roi.name);
    dict.items.emplace_back("ivid", static_cast<std::int64_t>(roi.view));
    dict.items.emplace_back("yrange", index_array(roi.yrange));
    dict.items.emplace_back("xrange", index_array(roi.xrange));
    dict.items.emplace_back("saturation", roi.saturation);
    dict.items.emplace_back("pupil_sigma", roi.pupil_sigma);
    if (roi.ellipse.size())
      dict.items.emplace_back("ellipse", dj::NdArray::from_eigen(roi.ellipse));
    if (!roi.reflectors.empty()) {
      dj::BlobList reflectors;
      for (const auto& mask : roi.reflectors)
        reflectors.items.emplace_back(dj::NdArray::from_eigen(mask));
      dict.items.emplace_back("reflectors", std::move(reflectors));
    }
    rois.items.emplace_back(std::move(dict));
  }
  dj::BlobDict dict;
  dict.items.emplace_back("sbin", static_cast<std::int64_t>(params.sbin));
  dict.items.emplace_back("fullSVD", params.full_frame);
  dict.items.emplace_back("ncomp", static_cast<std::int64_t>(params.components));
  dict.items.emplace_back("rois", std::move(rois));
  return dict;
}

facemap::SvdParams from_facemap_params(const dj::BlobValue& value, bool motion_svd,
                                       bool movie_svd) {
  if (!value.is<dj::BlobDict>())
    malformed("the value", "expected a dict, found " + value.type_name());
  const auto& dict = value.as<dj::BlobDict>();
  facemap::SvdParams params;
  params.motion_svd = motion_svd;
  params.movie_svd = movie_svd;
  if (const auto* sbin = find(dict, "sbin")) params.sbin = static_cast<int>(integer(*sbin, "sbin"));
  if (params.sbin < 1) malformed("sbin", "must be at least 1");
  if (const auto* full = find(dict, "fullSVD")) params.full_frame = integer(*full, "fullSVD") != 0;
  if (const auto* n = find(dict, "ncomp"))
    params.components = static_cast<int>(integer(*n, "ncomp"));
  if (const auto* rois = find(dict, "rois")) {
    const auto& items = sequence(*rois, "rois");
    for (size_t i = 0; i < items.size(); ++i) {
      params.rois.push_back(roi_from_dict(items[i], "rois[" + std::to_string(i) + "]"));
    }
  }
  return params;
}

}  // namespace pipeline
