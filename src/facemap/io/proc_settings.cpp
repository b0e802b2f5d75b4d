// Facemap's settings and region dicts, read and written (facemap/io/proc_settings.hpp).

#include "facemap/io/proc_settings.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <spdlog/fmt/fmt.h>

#include "facemap/io/npy.hpp"
#include "facemap/io/proc_file.hpp"
#include "facemap/roi/roi_mask.hpp"

namespace facemap {
namespace {

using pickle::Dict;
using pickle::Items;
using pickle::Value;

[[noreturn]] void malformed(const std::string& key, const std::string& reason) {
  throw std::invalid_argument(key + ": " + reason);
}

std::string range_text(const std::vector<int>& range) {
  return std::to_string(range.front()) + ".." + std::to_string(range.back());
}

std::int64_t integer(const Value& value, const std::string& key) {
  if (value.kind() == Value::Kind::ndarray) {
    const RowMajorArray& array = value.as_ndarray();
    if (array.size() != 1 || array.dtype().kind == DType::Kind::floating)
      malformed(key, "expected an integer, found a " + array.describe());
    return array.values<std::int64_t>().front();
  }
  if (value.kind() != Value::Kind::integer && value.kind() != Value::Kind::boolean)
    malformed(key, "expected an integer, found " + value.kind_name());
  return value.as_int();
}

double number(const Value& value, const std::string& key) {
  if (value.kind() == Value::Kind::ndarray) {
    const RowMajorArray& array = value.as_ndarray();
    if (array.size() != 1) malformed(key, "expected a number, found a " + array.describe());
    return array.values<double>().front();
  }
  if (value.kind() != Value::Kind::real && value.kind() != Value::Kind::integer &&
      value.kind() != Value::Kind::boolean)
    malformed(key, "expected a number, found " + value.kind_name());
  const double result = value.as_double();
  if (!std::isfinite(result)) malformed(key, "is not finite");
  return result;
}

bool boolean(const Value& value, const std::string& key) {
  return integer(value, key) != 0;
}

// An index array (or list) of consecutive ascending indices, as Facemap's ranges are.
std::vector<int> index_range(const Value& value, const std::string& key) {
  std::vector<int> indices;
  if (value.kind() == Value::Kind::ndarray) {
    const RowMajorArray& array = value.as_ndarray();
    if (array.ndim() != 1 || array.dtype().kind == DType::Kind::floating ||
        array.dtype().kind == DType::Kind::complex)
      malformed(key, "expected a 1-d integer array, found a " + array.describe());
    for (const std::int64_t index : array.values<std::int64_t>())
      indices.push_back(static_cast<int>(index));
  } else if (value.kind() == Value::Kind::list || value.kind() == Value::Kind::tuple) {
    for (const Value& item : value.items()) indices.push_back(static_cast<int>(integer(item, key)));
  } else {
    malformed(key, "expected an integer array, found " + value.kind_name());
  }
  if (indices.empty()) malformed(key, "is empty");
  if (indices.front() < 0) malformed(key, "starts at " + std::to_string(indices.front()));
  for (std::size_t i = 1; i < indices.size(); ++i)
    if (indices[i] != indices[i - 1] + 1)
      malformed(key, "indices must be consecutive and ascending (" +
                         std::to_string(indices[i - 1]) + " is followed by " +
                         std::to_string(indices[i]) + ")");
  return indices;
}

RoiMask bool_mask(const Value& value, const std::string& key, std::size_t rows, std::size_t cols) {
  if (value.kind() != Value::Kind::ndarray)
    malformed(key, "expected a bool array, found " + value.kind_name());
  const RowMajorArray& array = value.as_ndarray();
  if (array.ndim() != 2 || array.dtype().kind != DType::Kind::boolean)
    malformed(key, "expected a 2-d bool array, found a " + array.describe());
  if (array.shape()[0] != static_cast<std::int64_t>(rows) ||
      array.shape()[1] != static_cast<std::int64_t>(cols))
    malformed(key, "is a " + shape_text(array.shape()) + " array, its ranges give (" +
                       std::to_string(rows) + ", " + std::to_string(cols) + ")");
  return array.matrix<bool>().array();
}

// Facemap's reflector: a box relative to the region's crop and an ellipse inside it. Facemap
// marks the reflector pixels of the crop with it; so do we, as a crop-sized mask.
RoiMask reflector_mask(const Value& value, const std::string& key, int rows, int cols) {
  if (value.kind() != Value::Kind::dict)
    malformed(key, "expected a dict {yrange, xrange, ellipse}, found " + value.kind_name());
  const Dict& fields = value.as_dict();
  for (const auto& [name, _] : fields.entries()) {
    const std::string text = name.kind() == Value::Kind::str ? name.as_str() : name.kind_name();
    if (text != "yrange" && text != "xrange" && text != "ellipse")
      malformed(key + "." + text, "is not a key of a reflector (yrange, xrange, ellipse)");
  }
  const auto required = [&](const char* name) -> const Value& {
    const Value* v = fields.find(name);
    if (!v) malformed(key, std::string("missing '") + name + "'");
    return *v;
  };
  const std::vector<int> ys = index_range(required("yrange"), key + ".yrange");
  const std::vector<int> xs = index_range(required("xrange"), key + ".xrange");
  if (ys.back() >= rows)
    malformed(key + ".yrange", "rows " + range_text(ys) + " lie outside the region's crop of " +
                                   std::to_string(rows) + " rows (a reflector's ranges are " +
                                   "relative to the region)");
  if (xs.back() >= cols)
    malformed(key + ".xrange", "columns " + range_text(xs) + " lie outside the region's crop of " +
                                   std::to_string(cols) +
                                   " columns (a reflector's ranges are relative to the region)");
  RoiMask mask = RoiMask::Constant(rows, cols, false);
  if (const Value* ellipse = fields.find("ellipse")) {
    mask.block(ys.front(), xs.front(), static_cast<Eigen::Index>(ys.size()),
               static_cast<Eigen::Index>(xs.size())) =
        bool_mask(*ellipse, key + ".ellipse", ys.size(), xs.size());
  } else {
    mask.block(ys.front(), xs.front(), static_cast<Eigen::Index>(ys.size()),
               static_cast<Eigen::Index>(xs.size())) =
        inscribed_ellipse(static_cast<int>(ys.size()), static_cast<int>(xs.size()));
  }
  return mask;
}

std::string key_text(const Value& key) {
  return key.kind() == Value::Kind::str ? key.as_str() : "<" + key.kind_name() + " key>";
}

template <class Derived>
Value array(const Eigen::DenseBase<Derived>& matrix) {
  return Value::ndarray(RowMajorArray::from_eigen(matrix));
}

template <class T>
Value array_of(std::vector<T> values) {
  const auto count = static_cast<std::int64_t>(values.size());
  return Value::ndarray(RowMajorArray::from_values<T>({count}, values));
}

// A crop mask as Facemap's reflector: its bounding box (crop-relative) and the mask inside it.
Value reflector_dict(const RoiMask& mask) {
  int top = static_cast<int>(mask.rows()), left = static_cast<int>(mask.cols()), bottom = -1,
      right = -1;
  for (int y = 0; y < mask.rows(); ++y)
    for (int x = 0; x < mask.cols(); ++x)
      if (mask(y, x)) {
        top = std::min(top, y), bottom = std::max(bottom, y);
        left = std::min(left, x), right = std::max(right, x);
      }
  std::vector<std::int32_t> ys, xs;
  for (int y = top; y <= bottom; ++y) ys.push_back(y);
  for (int x = left; x <= right; ++x) xs.push_back(x);
  Dict fields;
  fields.set("yrange", array_of(ys));
  fields.set("xrange", array_of(xs));
  fields.set("ellipse", array(RoiMask(mask.block(top, left, bottom - top + 1, right - left + 1))));
  return Value::dict(std::move(fields));
}

// What the analysis needs of a region beyond what the reader checks.
void check_for_analysis(const Roi& roi, const std::string& where, bool has_saturation) {
  if (roi.type != RoiType::pupil && roi.type != RoiType::blink) return;
  const std::string kind = roi.type == RoiType::pupil ? "pupil" : "blink";
  if (!has_saturation)
    malformed(where + ".saturation",
              "missing: a " + kind +
                  " region needs its intensity threshold (0-255, the GUI's saturation slider "
                  "value / 100 * 255); pixels darker than it count as the eye");
  if (roi.saturation <= 0 || roi.saturation > 255)
    malformed(where + ".saturation",
              "must be above 0 and at most 255, not " + fmt::format("{}", roi.saturation) +
                  " (at 0 no pixel is darker than the threshold and every frame would fail)");
}

// Keys of the results of processing: present in a processed _proc.npy, not settings.
const std::set<std::string>& result_keys() {
  static const std::set<std::string> keys = {"Ly",
                                             "Lx",
                                             "Lybin",
                                             "Lxbin",
                                             "sybin",
                                             "sxbin",
                                             "LYbin",
                                             "LXbin",
                                             "avgframe",
                                             "avgmotion",
                                             "avgframe_reshape",
                                             "avgmotion_reshape",
                                             "motion",
                                             "motSVD",
                                             "movSVD",
                                             "motMask",
                                             "movMask",
                                             "motMask_reshape",
                                             "movMask_reshape",
                                             "motSv",
                                             "movSv",
                                             "motSv_regions",
                                             "movSv_regions",
                                             "pupil",
                                             "blink",
                                             "running",
                                             "iframes"};
  return keys;
}

std::vector<std::string> first_view_names(const Value& value) {
  if (value.kind() != Value::Kind::list && value.kind() != Value::Kind::tuple)
    malformed("filenames", "expected a list, found " + value.kind_name());
  std::vector<std::string> names;
  for (const Value& views : value.items()) {
    if (views.kind() == Value::Kind::str) {
      names.push_back(views.as_str());
    } else if ((views.kind() == Value::Kind::list || views.kind() == Value::Kind::tuple) &&
               !views.items().empty() && views.items().front().kind() == Value::Kind::str) {
      names.push_back(views.items().front().as_str());
    } else {
      malformed("filenames",
                "expected a list of lists of file names, found an entry of " + views.kind_name());
    }
  }
  return names;
}

}  // namespace

const char* rtype_label(RoiType type) {
  switch (type) {
    case RoiType::pupil:
      return "Pupil";
    case RoiType::motion:
      return "motion SVD";
    case RoiType::blink:
      return "Blink";
    case RoiType::running:
      return "Running";
    case RoiType::keypoint_box:
      return "Keypoints";
  }
  return "";
}

Roi read_roi_dict(const Dict& fields, const std::string& where, SettingsWarnings& warnings) {
  const auto required = [&](const char* key) -> const Value& {
    const Value* value = fields.find(key);
    if (!value) malformed(where, std::string("missing '") + key + "'");
    return *value;
  };
  Roi roi;
  const std::int64_t code = integer(required("rind"), where + ".rind");
  if (code < 0 || code > 4)
    malformed(where + ".rind",
              "must be 0 to 4 (pupil, motion SVD, blink, running, keypoint "
              "box), not " +
                  std::to_string(code));
  roi.type = static_cast<RoiType>(code);
  roi.name = rtype_label(roi.type);
  roi.yrange = index_range(required("yrange"), where + ".yrange");
  roi.xrange = index_range(required("xrange"), where + ".xrange");
  const int rows = static_cast<int>(roi.yrange.size()), cols = static_cast<int>(roi.xrange.size());
  for (const auto& [name, value] : fields.entries()) {
    const std::string key = key_text(name);
    const std::string at = where + "." + key;
    if (key == "rind" || key == "yrange" || key == "xrange" || key == "iROI" || key == "color") {
      continue;  // read above, or the GUI's own bookkeeping (no effect in Facemap either)
    } else if (key == "rtype") {
      if (value.kind() != Value::Kind::str)
        malformed(at, "expected a str, found " + value.kind_name());
      if (!value.as_str().empty()) roi.name = value.as_str();
    } else if (key == "ivid") {
      roi.view = static_cast<int>(integer(value, at));
      if (roi.view < 0) malformed(at, "must be 0 or more, not " + std::to_string(roi.view));
    } else if (key == "saturation") {
      roi.saturation = number(value, at);
    } else if (key == "pupil_sigma") {
      roi.pupil_sigma = number(value, at);
      if (roi.pupil_sigma <= 0) malformed(at, "must be above 0");
    } else if (key == "ellipse") {
      roi.ellipse = bool_mask(value, at, roi.yrange.size(), roi.xrange.size());
    } else if (key == "yrange_bin") {
      roi.yrange_bin = index_range(value, at);
    } else if (key == "xrange_bin") {
      roi.xrange_bin = index_range(value, at);
    } else if (key == "reflector") {
      if (value.kind() != Value::Kind::list && value.kind() != Value::Kind::tuple)
        malformed(at, "expected a list of {yrange, xrange, ellipse}, found " + value.kind_name());
      if (roi.type != RoiType::pupil) {
        if (!value.items().empty())
          warnings.push_back(at + ": not used (only pupil regions have reflectors)");
        continue;
      }
      for (std::size_t r = 0; r < value.items().size(); ++r)
        roi.reflectors.push_back(
            reflector_mask(value.items()[r], at + "[" + std::to_string(r) + "]", rows, cols));
    } else if (key == "reflectors") {
      malformed(at,
                "is not one of Facemap's keys: Facemap's reflectors are 'reflector', a list "
                "of {yrange, xrange, ellipse} relative to the region (`fmpipe init` migrates "
                "stored tasks that have the old key)");
    } else {
      warnings.push_back(at + ": not one of Facemap's region keys; not used");
    }
  }
  return roi;
}

Value roi_dict(const Roi& roi, std::size_t index) {
  Dict fields;
  fields.set("rind", Value::integer(static_cast<int>(roi.type)));
  fields.set("rtype", Value::str(roi.name.empty() ? rtype_label(roi.type) : roi.name));
  fields.set("iROI", Value::integer(static_cast<std::int64_t>(index)));
  fields.set("ivid", Value::integer(roi.view));
  fields.set("color", Value::tuple({Value::real(255), Value::real(0), Value::real(0)}));
  fields.set("yrange", array_of(std::vector<std::int32_t>(roi.yrange.begin(), roi.yrange.end())));
  fields.set("xrange", array_of(std::vector<std::int32_t>(roi.xrange.begin(), roi.xrange.end())));
  fields.set("saturation", Value::real(roi.saturation));
  const int rows = static_cast<int>(roi.yrange.size()), cols = static_cast<int>(roi.xrange.size());
  fields.set("ellipse",
             array(roi.ellipse.size() > 0 ? roi.ellipse : inscribed_ellipse(rows, cols)));
  if (roi.type == RoiType::pupil) fields.set("pupil_sigma", Value::real(roi.pupil_sigma));
  if (!roi.yrange_bin.empty() || !roi.xrange_bin.empty()) {
    fields.set("yrange_bin",
               array_of(std::vector<std::int64_t>(roi.yrange_bin.begin(), roi.yrange_bin.end())));
    fields.set("xrange_bin",
               array_of(std::vector<std::int64_t>(roi.xrange_bin.begin(), roi.xrange_bin.end())));
  }
  Items reflectors;
  for (const RoiMask& mask : roi.reflectors)
    if (mask.any()) reflectors.push_back(reflector_dict(mask));
  if (!reflectors.empty()) fields.set("reflector", Value::list(std::move(reflectors)));
  return Value::dict(std::move(fields));
}

ProcSettings read_proc_settings(const Dict& proc) {
  ProcSettings settings;
  std::vector<std::string> results;
  for (const auto& [name, value] : proc.entries()) {
    const std::string key = key_text(name);
    if (key == "sbin") {
      settings.sbin = static_cast<int>(integer(value, key));
      if (settings.sbin < 1)
        malformed(key, "must be at least 1, not " + std::to_string(settings.sbin));
    } else if (key == "fullSVD") {
      settings.full_svd = boolean(value, key);
    } else if (key == "ncomp") {
      settings.components = static_cast<int>(integer(value, key));
      if (*settings.components < 1)
        malformed(key, "must be at least 1, not " + std::to_string(*settings.components));
    } else if (key == "rois") {
      if (value.is_none()) continue;
      if (value.kind() != Value::Kind::list && value.kind() != Value::Kind::tuple)
        malformed(key, "expected a list of region dicts, found " + value.kind_name());
      for (std::size_t i = 0; i < value.items().size(); ++i) {
        const std::string where = "rois[" + std::to_string(i) + "]";
        const Value& item = value.items()[i];
        if (item.kind() != Value::Kind::dict)
          malformed(where, "expected a dict, found " + item.kind_name());
        Roi roi = read_roi_dict(item.as_dict(), where, settings.warnings);
        check_for_analysis(roi, where, item.as_dict().contains("saturation"));
        if (roi.type == RoiType::motion && (!roi.yrange_bin.empty() || !roi.xrange_bin.empty())) {
          // Facemap computes them anew from the ranges and sbin when it processes.
          settings.warnings.push_back(where + ".yrange_bin / xrange_bin: not used (computed " +
                                      "from yrange, xrange and sbin, as Facemap does)");
          roi.yrange_bin.clear();
          roi.xrange_bin.clear();
        }
        settings.rois.push_back(std::move(roi));
      }
    } else if (key == "filenames") {
      settings.filenames = first_view_names(value);
    } else if (key == "sy" || key == "sx") {
      continue;  // where the GUI tiles several views on its canvas; no effect on the analysis
    } else if (key == "save_mat") {
      if (boolean(value, key))
        settings.warnings.push_back(
            "save_mat: not used (no .mat file is written; the results are in the database and "
            "the _proc.npy)");
    } else if (key == "savepath" || key == "save_path") {
      const bool empty =
          value.is_none() || (value.kind() == Value::Kind::str && value.as_str().empty());
      if (!empty)
        settings.warnings.push_back(key + ": not used (results go to the task's output folder)");
    } else if (result_keys().count(key)) {
      results.push_back(key);
    } else {
      settings.warnings.push_back(key + ": not one of Facemap's settings; not used");
    }
  }
  settings.has_results =
      proc.contains("avgframe_reshape") || proc.contains("motion") || proc.contains("pupil");
  if (!results.empty()) {
    std::string list;
    for (const std::string& key : results) list += (list.empty() ? "" : ", ") + key;
    settings.warnings.push_back("the results held (" + list +
                                ") are not used as settings: processing computes them anew");
  }
  return settings;
}

ProcSettings read_proc_settings(const std::filesystem::path& file) {
  const Value proc = read_npy_object(file);
  if (proc.kind() != Value::Kind::dict)
    throw ProcFileError(file.string() + ": holds a " + proc.kind_name() + ", not Facemap's dict");
  try {
    return read_proc_settings(proc.as_dict());
  } catch (const std::invalid_argument& error) {
    throw ProcFileError(file.string() + ": " + error.what());
  }
}

Value settings_dict(const ProcSettings& settings) {
  Items rois;
  for (std::size_t i = 0; i < settings.rois.size(); ++i)
    rois.push_back(roi_dict(settings.rois[i], i));
  Dict dict;
  dict.set("sbin", Value::integer(settings.sbin));
  dict.set("fullSVD", Value::boolean(settings.full_svd));
  if (settings.components) dict.set("ncomp", Value::integer(*settings.components));
  dict.set("rois", Value::list(std::move(rois)));
  return Value::dict(std::move(dict));
}

}  // namespace facemap
