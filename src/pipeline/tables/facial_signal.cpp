// FacialSignal's make() and the mapping between its parts and facemap::FacemapResult
// (facial_signal.hpp). Every column name of the parts appears in this file only.

#include "pipeline/tables/facial_signal.hpp"

#include <map>

#include <spdlog/spdlog.h>

#include "facemap/io/proc_file.hpp"
#include "pipeline/tables/columns.hpp"
#include "pipeline/tables/facemap_processing.hpp"
#include "pipeline/tables/recording_info.hpp"
#include "pipeline/task_paths.hpp"
#include "proc_file_owner.hpp"

namespace fs = std::filesystem;

namespace pipeline {
namespace {

const std::string kTable = "facial_behavior_estimation.FacialSignal";
const std::string kPart = kTable + ".";

using facemap::FacemapResult;
using facemap::PupilTrace;
using facemap::Roi;

constexpr auto kSummaryColumns =
    std::tuple{Column{"sbin", &FacemapResult::sbin}, Column{"avgframe", &FacemapResult::avgframe},
               Column{"avgmotion", &FacemapResult::avgmotion}};

// Region: a region's number and name, its ranges, and the motion energy of SVD regions.
const char* const kRoiNo = "roi_no";
const char* const kRoiName = "roi_name";
const char* const kMotion = "motion";
constexpr std::size_t kRoiNameLength = 16;  // roi_name's varchar(16)
const char* const kFullFrameName = "full frame";
constexpr auto kRangeColumns =
    std::tuple{Column{"yrange", &Roi::yrange}, Column{"xrange", &Roi::xrange},
               Column{"yrange_bin", &Roi::yrange_bin}, Column{"xrange_bin", &Roi::xrange_bin}};

/// MotionSVD and MovieSVD: the same columns but the mask's.
struct ComponentPart {
  const char* part;
  const char* mask;
  std::optional<facemap::SvdComponents> facemap::SvdRegion::*components;
};
constexpr ComponentPart kComponentParts[] = {
    {"MotionSVD", "motmask", &facemap::SvdRegion::motion_svd},
    {"MovieSVD", "movmask", &facemap::SvdRegion::movie_svd}};
const char* const kComponentId = "component_id";
const char* const kSingularValue = "singular_value";
const char* const kProjection = "projection";

constexpr auto kPupilColumns =
    std::tuple{Column{"area", &PupilTrace::area}, Column{"area_smooth", &PupilTrace::area_smooth},
               Column{"com", &PupilTrace::com}, Column{"com_smooth", &PupilTrace::com_smooth},
               Column{"axlen", &PupilTrace::axlen}};
// axdir is stored as Facemap's (nframes, 2, 2) array; PupilTrace keeps nframes x 4.
const char* const kAxdir = "axdir";
constexpr auto kBlinkColumns = std::tuple{Column{"blink", &facemap::BlinkTrace::blink}};
constexpr auto kRunningColumns =
    std::tuple{Column{"dy", &facemap::RunningTrace::dy}, Column{"dx", &facemap::RunningTrace::dx}};

dj::Row with(dj::Row row, const char* name, dj::Value value) {
  row.set(name, std::move(value));
  return row;
}

/// (nframes, 2, 2), column-major, from nframes x 4 (each frame's 2x2 matrix row-major).
dj::Value axdir_value(const Eigen::MatrixXd& axdir) {
  const auto n = static_cast<std::uint64_t>(axdir.rows());
  std::vector<double> column_major(n * 4);
  for (std::uint64_t t = 0; t < n; ++t) {
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 2; ++j)
        column_major[t + n * (i + 2 * j)] = axdir(static_cast<Eigen::Index>(t), 2 * i + j);
    }
  }
  return dj::to_blob(dj::ColumnMajorArray::from_column_major({n, 2, 2}, column_major));
}

Eigen::MatrixXd axdir_of(const dj::Row& row) {
  const auto axdir = dj::unpack_blob(row, kAxdir).as<dj::ColumnMajorArray>();
  const auto n = static_cast<Eigen::Index>(axdir.shape().at(0));
  const double* data = axdir.data<double>();
  Eigen::MatrixXd matrix(n, 4);
  for (Eigen::Index t = 0; t < n; ++t) {
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 2; ++j) matrix(t, 2 * i + j) = data[t + n * (i + 2 * j)];
    }
  }
  return matrix;
}

using RowMajorMask = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::vector<dj::Row> component_rows(const dj::Row& region_key, const facemap::SvdComponents& svd,
                                    const char* mask) {
  std::vector<dj::Row> rows;
  for (Eigen::Index k = 0; k < svd.masks.cols(); ++k) {
    dj::Row row = with(region_key, kComponentId, static_cast<int>(k));
    row.set(kSingularValue,
            k < svd.singular_values.size() ? dj::Value(svd.singular_values(k)) : dj::Value());
    // Each mask is a column of row-major pixels: stored as the (ly, lx) image.
    const Eigen::VectorXf column = svd.masks.col(k);
    row.set(mask, detail::column_value(
                      RowMajorMask(Eigen::Map<const RowMajorMask>(column.data(), svd.ly, svd.lx))));
    row.set(kProjection, detail::column_value(Eigen::VectorXf(svd.projections.col(k))));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::optional<facemap::SvdComponents> components_of(const std::vector<dj::Row>& rows,
                                                    const char* mask_name) {
  if (rows.empty()) return std::nullopt;
  facemap::SvdComponents svd;
  const auto n = static_cast<Eigen::Index>(rows.size());
  for (Eigen::Index k = 0; k < n; ++k) {
    const dj::Row& row = rows[static_cast<size_t>(k)];
    RowMajorMask mask;
    Eigen::VectorXf projection;
    detail::read_column(row, mask_name, mask);
    detail::read_column(row, kProjection, projection);
    if (k == 0) {
      svd.ly = static_cast<int>(mask.rows());
      svd.lx = static_cast<int>(mask.cols());
      svd.masks.resize(mask.size(), n);
      svd.projections.resize(projection.size(), n);
      svd.singular_values.resize(n);
    }
    svd.masks.col(k) = Eigen::Map<const Eigen::VectorXf>(mask.data(), mask.size());
    svd.projections.col(k) = projection;
    svd.singular_values(k) = row.is_null(kSingularValue) ? 0.0f : row.get<float>(kSingularValue);
  }
  return svd;
}

/// A Region row: the full frame (no roi) or a rectangle.
dj::Row region_row(const dj::Row& master_key, int roi_no, const Roi* roi) {
  dj::Row row = with(master_key, kRoiNo, roi_no);
  row.set(kRoiName, roi ? roi->name.substr(0, kRoiNameLength) : kFullFrameName);
  set_columns(row, roi ? *roi : Roi{}, kRangeColumns);
  return row;
}

/// A Pupil, Blink or Running row.
template <class Trace, class Columns>
dj::Row trace_row(const dj::Row& master_key, int roi_no, const Trace& trace,
                  const Columns& columns) {
  dj::Row row = with(master_key, kRoiNo, roi_no);
  set_columns(row, trace, columns);
  return row;
}

/// A pupil whose fit fails in more than this share of frames is probably set up wrongly
/// (saturation, region or reflector), though its trace is stored as computed.
constexpr double kFailedFitShare = 0.05;

void warn_about_fits(const FacemapResult& result) {
  for (const PupilTrace& pupil : result.pupils) {
    const Eigen::Index frames = pupil.area.size();
    const Eigen::Index failed = pupil.area.array().isNaN().count();
    if (frames == 0 || failed <= kFailedFitShare * static_cast<double>(frames)) continue;
    const Roi& roi = result.rois.at(static_cast<std::size_t>(pupil.roi_index));
    dj::warn_in_make(fmt::format(
        "pupil region {} ('{}', rows {}..{}, columns {}..{}): the fit failed in {} of {} frames "
        "({:.1f}%); check its saturation ({:.2f}), region and reflectors",
        region_number(static_cast<size_t>(pupil.roi_index)), roi.name, roi.yrange.front(),
        roi.yrange.back(), roi.xrange.front(), roi.xrange.back(), failed, frames,
        100.0 * static_cast<double>(failed) / frames, roi.saturation));
  }
}

/// Rows of `part` for the key, ordered by the given attributes.
std::vector<dj::Row> part_rows(const Pipeline& pipe, const std::string& part, const dj::Row& key,
                               std::vector<std::string> order_by = {}) {
  dj::FetchOptions options;
  options.order_by = std::move(order_by);
  return (pipe.table(kPart + part) & key).fetch(options);
}

}  // namespace

FacialSignal::FacialSignal(Pipeline& pipe, DataRoots roots)
    : TableComputation(pipe, std::move(roots), kTable) {}

FacialSignalInputs FacialSignal::fetch(const dj::Row& key) {
  FacialSignalInputs inputs;
  inputs.processing = (pipe_.table("facial_behavior_estimation.FacemapProcessing") & key).fetch1();
  inputs.recording = key.project(pipe_.recording_key());
  inputs.files = recording_files(pipe_, roots_, key);
  inputs.proc_file =
      proc_file_path(processing_output_dir(pipe_, roots_, key), inputs.files.front());
  if (const auto info = RecordingInfo::read(pipe_, key)) inputs.nframes = info->nframes;
  return inputs;
}

FacemapResult FacialSignal::compute(const FacialSignalInputs& inputs) {
  FacemapResult result = facemap::read_proc_file(inputs.proc_file);
  detail::check_proc_file_owner(inputs.recording, inputs.nframes, inputs.files, inputs.proc_file,
                                result);
  warn_about_fits(result);
  return result;
}

void FacialSignal::insert(const dj::Row& key, const FacemapResult& result, dj::MakeInserter& out) {
  const dj::Row master_key = key.project(target().heading().primary_key());
  out.insert1(target(), master_key);
  dj::Row summary = master_key;
  set_columns(summary, result, kSummaryColumns);
  out.insert1(pipe_.table(kPart + "Summary"), summary);

  // Regions: numbered as the task lists them (region_number), 0 being the full frame.
  std::vector<dj::Row> regions;
  for (const auto& region : result.svd_regions) {
    dj::Row row =
        region_row(master_key, region_number(result, region), region.roi ? &*region.roi : nullptr);
    row.set(kMotion, detail::column_value(region.motion));
    regions.push_back(std::move(row));
  }
  for (size_t i = 0; i < result.rois.size(); ++i) {
    if (result.rois[i].type == facemap::RoiType::motion) continue;
    dj::Row row = region_row(master_key, region_number(i), &result.rois[i]);
    row.set(kMotion, dj::Value());
    regions.push_back(std::move(row));
  }
  out.insert(pipe_.table(kPart + "Region"), regions);

  for (const auto& region : result.svd_regions) {
    const dj::Row region_key = with(master_key, kRoiNo, region_number(result, region));
    for (const ComponentPart& part : kComponentParts) {
      if (const auto& svd = region.*(part.components))
        out.insert(pipe_.table(kPart + part.part), component_rows(region_key, *svd, part.mask));
    }
  }
  for (const auto& pupil : result.pupils) {
    dj::Row row = trace_row(master_key, region_number(static_cast<size_t>(pupil.roi_index)), pupil,
                            kPupilColumns);
    row.set(kAxdir, axdir_value(pupil.axdir));
    out.insert1(pipe_.table(kPart + "Pupil"), row);
  }
  for (const auto& blink : result.blinks) {
    out.insert1(pipe_.table(kPart + "Blink"),
                trace_row(master_key, region_number(static_cast<size_t>(blink.roi_index)), blink,
                          kBlinkColumns));
  }
  for (const auto& running : result.running) {
    out.insert1(pipe_.table(kPart + "Running"),
                trace_row(master_key, region_number(static_cast<size_t>(running.roi_index)),
                          running, kRunningColumns));
  }
}

int region_number(const FacemapResult& result, const facemap::SvdRegion& region) {
  if (!region.roi) return 0;
  int motion_regions = 0;
  for (size_t i = 0; i < result.rois.size(); ++i) {
    if (result.rois[i].type == facemap::RoiType::motion && ++motion_regions == region.roi_no)
      return region_number(i);
  }
  throw std::logic_error("SVD region " + std::to_string(region.roi_no) + " of a result with " +
                         std::to_string(motion_regions) + " motion region(s)");
}

FacemapResult fetch_facial_signal(const Pipeline& pipe, const dj::Row& task_key) {
  const dj::Row key = task_key.project(pipe.table(kTable).heading().primary_key());
  if (!(pipe.table(kTable) & key).exists())
    throw std::invalid_argument("no FacialSignal for " + key.to_display());
  FacemapResult result;
  if (const auto info = RecordingInfo::read(pipe, key)) {
    result.ly.push_back(info->px_height);
    result.lx.push_back(info->px_width);
    result.nframes = info->nframes;
  }
  for (const fs::path& file : stored_recording_files(pipe, key))
    result.filenames.push_back(file.string());
  get_columns((pipe.table(kPart + "Summary") & key).fetch1(), result, kSummaryColumns);

  // The part a region appears in tells its type; rois keep the regions' order.
  std::map<int, facemap::RoiType> type_of;
  for (const auto& [part, type] :
       {std::pair{"Pupil", facemap::RoiType::pupil}, std::pair{"Blink", facemap::RoiType::blink},
        std::pair{"Running", facemap::RoiType::running}}) {
    for (const auto& row : (pipe.table(kPart + part) & key).fetch_keys())
      type_of[row.get<int>(kRoiNo)] = type;
  }
  std::map<int, int> roi_index_of;  // roi_no -> index into result.rois
  int motion_regions = 0;           // SvdRegion::roi_no counts the motion regions (Facemap's)
  result.full_svd = false;
  for (const auto& region : part_rows(pipe, "Region", key, {kRoiNo})) {
    const int roi_no = region.get<int>(kRoiNo);
    Roi roi;
    get_columns(region, roi, kRangeColumns);
    const bool full_frame = roi.yrange.empty();
    if (full_frame) {
      result.full_svd = true;
    } else {
      roi.type = type_of.count(roi_no) ? type_of[roi_no] : facemap::RoiType::motion;
      roi.name = region.get<std::string>(kRoiName);
      roi_index_of[roi_no] = static_cast<int>(result.rois.size());
      result.rois.push_back(roi);
      if (roi.type != facemap::RoiType::motion) continue;
    }
    facemap::SvdRegion svd_region;
    svd_region.roi_no = full_frame ? 0 : ++motion_regions;
    if (!full_frame) svd_region.roi = roi;
    if (!region.is_null(kMotion)) detail::read_column(region, kMotion, svd_region.motion);
    const dj::Row region_key = with(key, kRoiNo, roi_no);
    for (const ComponentPart& part : kComponentParts) {
      svd_region.*(part.components) =
          components_of(part_rows(pipe, part.part, region_key, {kComponentId}), part.mask);
    }
    result.svd_regions.push_back(std::move(svd_region));
  }
  for (const auto& row : part_rows(pipe, "Pupil", key, {kRoiNo})) {
    PupilTrace pupil;
    pupil.roi_index = roi_index_of.at(row.get<int>(kRoiNo));
    get_columns(row, pupil, kPupilColumns);
    pupil.axdir = axdir_of(row);
    result.pupils.push_back(std::move(pupil));
  }
  for (const auto& row : part_rows(pipe, "Blink", key, {kRoiNo})) {
    facemap::BlinkTrace blink;
    blink.roi_index = roi_index_of.at(row.get<int>(kRoiNo));
    get_columns(row, blink, kBlinkColumns);
    result.blinks.push_back(std::move(blink));
  }
  for (const auto& row : part_rows(pipe, "Running", key, {kRoiNo})) {
    facemap::RunningTrace running;
    running.roi_index = roi_index_of.at(row.get<int>(kRoiNo));
    get_columns(row, running, kRunningColumns);
    result.running.push_back(std::move(running));
  }
  if (!result.nframes && !result.svd_regions.empty())
    result.nframes = static_cast<int>(result.svd_regions[0].motion.size());
  return result;
}

}  // namespace pipeline
