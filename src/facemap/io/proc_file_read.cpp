// Reading Facemap's _proc.npy into FacemapResult (layout notes in facemap/io/proc_file.hpp).

#include "facemap/io/npy.hpp"
#include "facemap/io/proc_file.hpp"
#include "facemap/io/proc_settings.hpp"

namespace facemap {
namespace {

using pickle::Dict;
using pickle::Items;
using pickle::Value;

std::vector<int> to_ints(const Value& value) {
  std::vector<int> numbers;
  if (value.kind() == Value::Kind::ndarray) {
    for (const std::int64_t number : value.as_ndarray().values<std::int64_t>())
      numbers.push_back(static_cast<int>(number));
  } else {
    for (const Value& item : value.items()) numbers.push_back(static_cast<int>(item.as_int()));
  }
  return numbers;
}

const RowMajorArray& array_of_rank(const Value& value, std::size_t rank) {
  const RowMajorArray& array = value.as_ndarray();
  if (array.ndim() != rank)
    throw std::invalid_argument("expected a " + std::to_string(rank) + "-d array, got " +
                                array.describe());
  return array;
}

template <class T>
Eigen::Matrix<T, Eigen::Dynamic, 1> to_vector(const Value& value) {
  const std::vector<T> elements = array_of_rank(value, 1).values<T>();
  return Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>>(elements.data(), elements.size());
}

template <class T>
Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> to_matrix(const Value& value) {
  return array_of_rank(value, 2).matrix<T>();
}

// Facemap's placeholders for absent results are zero-size arrays.
bool is_empty_array(const Value& value) {
  return value.kind() == Value::Kind::ndarray && value.as_ndarray().size() == 0;
}

class ProcReader {
 public:
  ProcReader(const Dict& proc, std::string file) : proc_(proc), file_(std::move(file)) {}

  FacemapResult read() {
    FacemapResult result;
    at("filenames", [&](const Value& views_per_file) {
      for (const Value& views : views_per_file.items())
        result.filenames.push_back(views.kind() == Value::Kind::str ? views.as_str()
                                                                    : views.items().at(0).as_str());
    });
    at("Ly", [&](const Value& rows) { result.ly = to_ints(rows); });
    at("Lx", [&](const Value& cols) { result.lx = to_ints(cols); });
    at("sbin", [&](const Value& sbin) { result.sbin = static_cast<int>(sbin.as_int()); });
    optional("fullSVD", [&](const Value& full) { result.full_svd = full.as_bool(); });
    at("avgframe_reshape", [&](const Value& frame) { result.avgframe = to_matrix<float>(frame); });
    at("avgmotion_reshape",
       [&](const Value& frame) { result.avgmotion = to_matrix<float>(frame); });
    optional("rois", [&](const Value& rois) {
      if (rois.is_none()) return;
      for (std::size_t i = 0; i < rois.items().size(); ++i)
        within("region " + std::to_string(i), [&] {
          // The regions of computed results: keys not used are of no consequence here.
          SettingsWarnings unused;
          result.rois.push_back(
              read_roi_dict(rois.items()[i].as_dict(), "rois[" + std::to_string(i) + "]", unused));
        });
    });
    read_svd_regions(result);
    read_traces(result);
    result.nframes = frame_count(result);
    return result;
  }

 private:
  // Runs `read` on the value of `key`, reporting failures with the file and key.
  template <class Read>
  void at(const std::string& key, Read&& read) const {
    const Value* value = proc_.find(key);
    if (!value) throw ProcFileError(file_ + ": key '" + key + "' missing");
    within("key '" + key + "'", [&] { read(*value); });
  }

  template <class Read>
  void optional(const std::string& key, Read&& read) const {
    if (proc_.contains(key)) at(key, std::forward<Read>(read));
  }

  template <class Work>
  void within(const std::string& where, Work&& work) const {
    try {
      work();
    } catch (const ProcFileError&) {
      throw;
    } catch (const std::exception& error) {
      throw ProcFileError(file_ + ": " + where + ": " + error.what());
    }
  }

  // Entry `index` of a list-valued key, or nullptr when the key or entry is absent or empty.
  const Value* entry(const std::string& key, std::size_t index) const {
    const Value* list = proc_.find(key);
    if (!list || list->kind() != Value::Kind::list || index >= list->items().size()) return nullptr;
    const Value& value = list->items()[index];
    return is_empty_array(value) ? nullptr : &value;
  }

  std::optional<SvdComponents> components(const std::string& masks_key,
                                          const std::string& projections_key,
                                          std::size_t index) const {
    const Value* masks = entry(masks_key, index);
    const Value* projections = entry(projections_key, index);
    if (!masks || !projections) return std::nullopt;
    SvdComponents svd;
    within("key '" + masks_key + "' entry " + std::to_string(index), [&] {
      const RowMajorArray& reshaped = array_of_rank(*masks, 3);
      svd.ly = static_cast<int>(reshaped.shape()[0]);
      svd.lx = static_cast<int>(reshaped.shape()[1]);
      svd.masks = reshaped.reshaped_matrix<float>(reshaped.shape()[0] * reshaped.shape()[1],
                                                  reshaped.shape()[2]);
    });
    within("key '" + projections_key + "' entry " + std::to_string(index),
           [&] { svd.projections = to_matrix<float>(*projections); });
    if (svd.projections.cols() != svd.masks.cols())
      throw ProcFileError(file_ + ": key '" + projections_key + "' entry " + std::to_string(index) +
                          " has " + std::to_string(svd.projections.cols()) +
                          " components, its masks " + std::to_string(svd.masks.cols()));
    return svd;
  }

  void read_svd_regions(FacemapResult& result) const {
    std::vector<std::size_t> motion_rois;
    for (std::size_t i = 0; i < result.rois.size(); ++i)
      if (result.rois[i].type == RoiType::motion) motion_rois.push_back(i);
    for (std::size_t index = 0; index <= motion_rois.size(); ++index) {
      SvdRegion region;
      region.roi_no = static_cast<int>(index);
      if (index > 0) region.roi = result.rois[motion_rois[index - 1]];
      if (const Value* motion = entry("motion", index))
        within("key 'motion' entry " + std::to_string(index),
               [&] { region.motion = to_vector<float>(*motion); });
      region.motion_svd = components("motMask_reshape", "motSVD", index);
      region.movie_svd = components("movMask_reshape", "movSVD", index);
      const bool computed = region.motion.size() > 0 || region.motion_svd || region.movie_svd;
      if (computed) result.svd_regions.push_back(std::move(region));
    }
    if (result.svd_regions.empty()) return;
    if (proc_.find("motSv_regions") || proc_.find("movSv_regions")) {
      // Written by write_proc_file: every region's own singular values.
      for (SvdRegion& region : result.svd_regions) {
        const auto index = static_cast<std::size_t>(region.roi_no);
        assign_region_singular_values(entry("motSv_regions", index), region.motion_svd);
        assign_region_singular_values(entry("movSv_regions", index), region.movie_svd);
      }
      return;
    }
    // Facemap's single motSv / movSv belong to the last region it processed.
    SvdRegion& last = result.svd_regions.back();
    assign_singular_values("motSv", last.motion_svd);
    assign_singular_values("movSv", last.movie_svd);
  }

  void assign_singular_values(const std::string& key, std::optional<SvdComponents>& svd) const {
    optional(key, [&](const Value& values) { assign_region_singular_values(&values, svd); });
  }

  // Gives `svd` the values when they are an array with one value per component.
  void assign_region_singular_values(const Value* values, std::optional<SvdComponents>& svd) const {
    if (!values || !svd || is_empty_array(*values)) return;
    Eigen::VectorXf singular_values = to_vector<float>(*values);
    if (singular_values.size() == svd->masks.cols()) svd->singular_values = singular_values;
  }

  // The index into result.rois of the `ordinal`-th region of `type`.
  int region_index(const FacemapResult& result, RoiType type, std::size_t ordinal,
                   const std::string& key) const {
    for (std::size_t i = 0; i < result.rois.size(); ++i)
      if (result.rois[i].type == type && ordinal-- == 0) return static_cast<int>(i);
    throw ProcFileError(file_ + ": key '" + key + "' has more entries than its regions in 'rois'");
  }

  void read_traces(FacemapResult& result) const {
    optional("pupil", [&](const Value& pupils) {
      for (std::size_t k = 0; k < pupils.items().size(); ++k)
        result.pupils.push_back(read_pupil(result, pupils.items()[k].as_dict(), k));
    });
    optional("blink", [&](const Value& blinks) {
      for (std::size_t k = 0; k < blinks.items().size(); ++k) {
        BlinkTrace blink;
        blink.roi_index = region_index(result, RoiType::blink, k, "blink");
        blink.blink = to_vector<double>(blinks.items()[k]);
        result.blinks.push_back(std::move(blink));
      }
    });
    optional("running", [&](const Value& runs) {
      for (std::size_t k = 0; k < runs.items().size(); ++k) {
        RunningTrace running;
        running.roi_index = region_index(result, RoiType::running, k, "running");
        const Eigen::MatrixXd shifts = to_matrix<double>(runs.items()[k]);
        if (shifts.cols() != 2) throw std::invalid_argument("running trace is not (T, 2)");
        running.dy = shifts.col(0);
        running.dx = shifts.col(1);
        result.running.push_back(std::move(running));
      }
    });
  }

  PupilTrace read_pupil(const FacemapResult& result, const Dict& fields, std::size_t k) const {
    PupilTrace pupil;
    pupil.roi_index = region_index(result, RoiType::pupil, k, "pupil");
    const Roi& roi = result.rois[pupil.roi_index];
    // Facemap's centres are relative to the crop; ours are full-frame pixels.
    const Eigen::RowVector2d offset(roi.yrange.empty() ? 0 : roi.yrange.front(),
                                    roi.xrange.empty() ? 0 : roi.xrange.front());
    const auto centres = [&](const Value& value) {
      Eigen::MatrixXd com = to_matrix<double>(value);
      if (com.cols() != 2) throw std::invalid_argument("pupil centres are not (T, 2)");
      return Eigen::MatrixXd(com.rowwise() + offset);
    };
    pupil.area = to_vector<double>(fields.at("area"));
    pupil.com = centres(fields.at("com"));
    pupil.axlen = to_matrix<double>(fields.at("axlen"));
    const RowMajorArray& axdir = array_of_rank(fields.at("axdir"), 3);
    if (axdir.shape()[1] != 2 || axdir.shape()[2] != 2)
      throw std::invalid_argument("pupil axdir is " + axdir.describe() + ", not (T, 2, 2)");
    pupil.axdir = axdir.reshaped_matrix<double>(axdir.shape()[0], 4);
    if (const Value* smooth = fields.find("area_smooth"))
      pupil.area_smooth = to_vector<double>(*smooth);
    if (const Value* smooth = fields.find("com_smooth")) pupil.com_smooth = centres(*smooth);
    return pupil;
  }

  static int frame_count(const FacemapResult& result) {
    for (const SvdRegion& region : result.svd_regions) {
      if (region.motion.size() > 0) return static_cast<int>(region.motion.size());
      if (region.motion_svd) return static_cast<int>(region.motion_svd->projections.rows());
      if (region.movie_svd) return static_cast<int>(region.movie_svd->projections.rows());
    }
    if (!result.pupils.empty()) return static_cast<int>(result.pupils.front().area.size());
    if (!result.blinks.empty()) return static_cast<int>(result.blinks.front().blink.size());
    if (!result.running.empty()) return static_cast<int>(result.running.front().dy.size());
    return 0;
  }

  const Dict& proc_;
  std::string file_;
};

}  // namespace

FacemapResult read_proc_file(const std::filesystem::path& path) {
  const Value proc = read_npy_object(path);
  if (proc.kind() != Value::Kind::dict)
    throw ProcFileError(path.string() + ": holds a " + proc.kind_name() + ", not Facemap's dict");
  return ProcReader(proc.as_dict(), path.string()).read();
}

}  // namespace facemap
