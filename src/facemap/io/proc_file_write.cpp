// Writing FacemapResult as Facemap's _proc.npy (layout notes in facemap/io/proc_file.hpp): the keys
// in Facemap's order, with the dtypes and shapes of the file Facemap 1.0.8 writes.

#include <algorithm>
#include <map>

#include "facemap/io/npy.hpp"
#include "facemap/io/proc_file.hpp"
#include "facemap/io/proc_settings.hpp"

namespace facemap {
namespace {

using pickle::Dict;
using pickle::Items;
using pickle::Value;

template <class Derived>
Value array(const Eigen::DenseBase<Derived>& matrix, RowMajorArray::Shape shape = {}) {
  return Value::ndarray(RowMajorArray::from_eigen(matrix, std::move(shape)));
}

template <class T>
Value array_of(std::vector<T> values) {
  const auto count = static_cast<std::int64_t>(values.size());
  return Value::ndarray(RowMajorArray::from_values<T>({count}, values));
}

Value int64_scalar(std::int64_t number) {
  return Value::ndarray(RowMajorArray::from_values<std::int64_t>({}, {number}));
}

// Facemap's placeholder for a result it did not compute: a float32 array with no elements.
Value empty_array(RowMajorArray::Shape shape) {
  return Value::ndarray(RowMajorArray(DType::of<float>(), shape));
}

Value int_list(const std::vector<int>& numbers) {
  Items items;
  for (const int number : numbers) items.push_back(Value::integer(number));
  return Value::list(std::move(items));
}

// The regions' lists of one kind of SVD result, by roi_no, with placeholders where absent.
struct SvdLists {
  Items masks, masks_reshaped, projections, singular_values;

  void add(const std::optional<SvdComponents>& svd) {
    if (!svd) {
      masks.push_back(empty_array({0, 1}));
      masks_reshaped.push_back(empty_array({0, 1}));
      projections.push_back(empty_array({0, 1}));
      singular_values.push_back(empty_array({0}));
      return;
    }
    singular_values.push_back(array(svd->singular_values, {svd->singular_values.size()}));
    masks.push_back(array(svd->masks));
    masks_reshaped.push_back(array(svd->masks, {svd->ly, svd->lx, svd->masks.cols()}));
    projections.push_back(array(svd->projections));
  }
};

class ProcWriter {
 public:
  ProcWriter(const FacemapResult& result, std::string file)
      : result_(result), file_(std::move(file)) {}

  Value proc(const std::filesystem::path& folder) const {
    if (result_.ly.size() != 1 || result_.lx.size() != 1)
      throw ProcFileError(file_ + ": only single-view results can be written, this one has " +
                          std::to_string(result_.ly.size()) + " views");
    const int sbin = std::max(1, result_.sbin);
    const std::int64_t binned_rows = result_.ly[0] / sbin, binned_cols = result_.lx[0] / sbin;
    Dict proc;
    Items filenames;
    for (const std::string& name : result_.filenames)
      filenames.push_back(Value::list({Value::str(name)}));
    proc.set("filenames", Value::list(std::move(filenames)));
    proc.set("save_path", Value::str(folder.empty() ? "." : folder.string()));
    proc.set("Ly", int_list(result_.ly));
    proc.set("Lx", int_list(result_.lx));
    proc.set("sbin", Value::integer(result_.sbin));
    proc.set("fullSVD", Value::boolean(result_.full_svd));
    proc.set("save_mat", Value::boolean(false));
    proc.set("Lybin", array_of(std::vector<std::int32_t>{static_cast<std::int32_t>(binned_rows)}));
    proc.set("Lxbin", array_of(std::vector<std::int32_t>{static_cast<std::int32_t>(binned_cols)}));
    proc.set("sybin", array_of(std::vector<std::int64_t>{0}));
    proc.set("sxbin", array_of(std::vector<std::int64_t>{0}));
    proc.set("LYbin", int64_scalar(binned_rows));
    proc.set("LXbin", int64_scalar(binned_cols));
    proc.set("avgframe", Value::list({array(result_.avgframe, {result_.avgframe.size()})}));
    proc.set("avgmotion", Value::list({array(result_.avgmotion, {result_.avgmotion.size()})}));
    proc.set("avgframe_reshape", array(result_.avgframe));
    proc.set("avgmotion_reshape", array(result_.avgmotion));
    set_svd_results(proc);
    set_traces(proc);
    Items rois;
    for (std::size_t i = 0; i < result_.rois.size(); ++i)
      rois.push_back(roi_dict(result_.rois[i], i));
    proc.set("rois", rois.empty() ? Value() : Value::list(std::move(rois)));
    proc.set("sy", array_of(std::vector<std::int64_t>{0}));
    proc.set("sx", array_of(std::vector<std::int64_t>{0}));
    return Value::dict(std::move(proc));
  }

 private:
  void set_svd_results(Dict& proc) const {
    std::size_t region_count = 1;
    for (const Roi& roi : result_.rois) region_count += roi.type == RoiType::motion;
    std::map<int, const SvdRegion*> by_roi_no;
    for (const SvdRegion& region : result_.svd_regions) {
      by_roi_no[region.roi_no] = &region;
      region_count = std::max(region_count, static_cast<std::size_t>(region.roi_no) + 1);
    }
    Items motion;
    SvdLists motion_svd, movie_svd;
    for (std::size_t roi_no = 0; roi_no < region_count; ++roi_no) {
      const auto found = by_roi_no.find(static_cast<int>(roi_no));
      const SvdRegion* region = found == by_roi_no.end() ? nullptr : found->second;
      motion.push_back(region ? array(region->motion, {region->motion.size()}) : empty_array({0}));
      motion_svd.add(region ? region->motion_svd : std::nullopt);
      movie_svd.add(region ? region->movie_svd : std::nullopt);
    }
    // Facemap keeps the last region's singular values only.
    const SvdRegion* last = result_.svd_regions.empty() ? nullptr : &result_.svd_regions.back();
    const auto singular_values = [&](const std::optional<SvdComponents>& svd) {
      return svd ? array(svd->singular_values, {svd->singular_values.size()}) : empty_array({0});
    };
    proc.set("motion", Value::list(std::move(motion)));
    proc.set("motSv", singular_values(last ? last->motion_svd : std::nullopt));
    proc.set("movSv", singular_values(last ? last->movie_svd : std::nullopt));
    proc.set("motMask", Value::list(std::move(motion_svd.masks)));
    proc.set("movMask", Value::list(std::move(movie_svd.masks)));
    proc.set("motMask_reshape", Value::list(std::move(motion_svd.masks_reshaped)));
    proc.set("movMask_reshape", Value::list(std::move(movie_svd.masks_reshaped)));
    proc.set("motSVD", Value::list(std::move(motion_svd.projections)));
    proc.set("movSVD", Value::list(std::move(movie_svd.projections)));
    // Our addition (Facemap ignores keys it does not know): every region's singular values.
    proc.set("motSv_regions", Value::list(std::move(motion_svd.singular_values)));
    proc.set("movSv_regions", Value::list(std::move(movie_svd.singular_values)));
  }

  // Traces must follow their regions' order in `rois`, as Facemap's lists do.
  template <class Trace>
  std::vector<const Trace*> in_region_order(const std::vector<Trace>& traces, RoiType type,
                                            const char* key) const {
    std::vector<const Trace*> ordered(traces.size());
    for (std::size_t i = 0; i < traces.size(); ++i) ordered[i] = &traces[i];
    std::sort(ordered.begin(), ordered.end(),
              [](const Trace* a, const Trace* b) { return a->roi_index < b->roi_index; });
    for (const Trace* trace : ordered) {
      const int index = trace->roi_index;
      if (index < 0 || index >= static_cast<int>(result_.rois.size()) ||
          result_.rois[index].type != type)
        throw ProcFileError(file_ + ": a '" + key + "' trace has roi_index " +
                            std::to_string(index) + ", which is not a region of its kind");
    }
    return ordered;
  }

  void set_traces(Dict& proc) const {
    Items pupils;
    for (const PupilTrace* pupil : in_region_order(result_.pupils, RoiType::pupil, "pupil")) {
      const Roi& roi = result_.rois[pupil->roi_index];
      const Eigen::RowVector2d offset(roi.yrange.empty() ? 0 : roi.yrange.front(),
                                      roi.xrange.empty() ? 0 : roi.xrange.front());
      // Facemap's centres are relative to the crop.
      const auto crop_relative = [&](const Eigen::MatrixXd& com) {
        return com.size() == 0 ? Eigen::MatrixXd(0, 2) : Eigen::MatrixXd(com.rowwise() - offset);
      };
      const auto frames = static_cast<std::int64_t>(pupil->area.size());
      Dict fields;
      fields.set("area", array(pupil->area, {frames}));
      fields.set("com", array(crop_relative(pupil->com)));
      fields.set("axdir", array(pupil->axdir, {pupil->axdir.rows(), 2, 2}));
      fields.set("axlen", array(pupil->axlen));
      fields.set("area_smooth", array(pupil->area_smooth, {pupil->area_smooth.size()}));
      fields.set("com_smooth", array(crop_relative(pupil->com_smooth)));
      pupils.push_back(Value::dict(std::move(fields)));
    }
    Items running;
    for (const RunningTrace* trace :
         in_region_order(result_.running, RoiType::running, "running")) {
      Eigen::MatrixXd shifts(trace->dy.size(), 2);
      shifts << trace->dy, trace->dx;
      running.push_back(array(shifts));
    }
    Items blinks;
    for (const BlinkTrace* trace : in_region_order(result_.blinks, RoiType::blink, "blink"))
      blinks.push_back(array(trace->blink, {trace->blink.size()}));
    proc.set("pupil", Value::list(std::move(pupils)));
    proc.set("running", Value::list(std::move(running)));
    proc.set("blink", Value::list(std::move(blinks)));
  }

  const FacemapResult& result_;
  std::string file_;
};

}  // namespace

void write_proc_file(const std::filesystem::path& path, const FacemapResult& result) {
  pickle::Value proc;
  try {
    proc = ProcWriter(result, path.string()).proc(path.parent_path());
  } catch (const std::invalid_argument& error) {  // a matrix whose size contradicts its shape
    throw ProcFileError(path.string() + ": " + error.what());
  }
  write_npy_object(path, proc);
}

}  // namespace facemap
