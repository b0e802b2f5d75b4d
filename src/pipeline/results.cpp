#include "pipeline/results.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "dj/blob.hpp"
#include "facemap/pose_model.hpp"

namespace pipeline {
namespace {

const std::string kSignal = "facial_behavior_estimation.FacialSignal";

std::vector<int> indices(const dj::Row& row, const std::string& attribute) {
  if (row.is_null(attribute)) return {};
  std::vector<int> out;
  for (std::int64_t v : dj::unpack_vector<std::int64_t>(row, attribute))
    out.push_back(static_cast<int>(v));
  return out;
}

template <class Vector>
Vector vector_of(const dj::Row& row, const std::string& attribute) {
  using Scalar = typename Vector::Scalar;
  const auto values = dj::unpack_vector<Scalar>(row, attribute, dj::Conversion::to_floating_point);
  return Eigen::Map<const Vector>(values.data(), static_cast<Eigen::Index>(values.size()));
}

/// Rows of `part` for the key, ordered by the given attributes.
std::vector<dj::Row> rows(const Pipeline& pipe, const std::string& part, const dj::Row& key,
                          std::vector<std::string> order_by = {}) {
  dj::FetchOptions options;
  options.order_by = std::move(order_by);
  return (pipe.table(part) & key).fetch(options);
}

std::optional<facemap::SvdComponents> components(const Pipeline& pipe, const std::string& part,
                                                 const dj::Row& region_key,
                                                 const std::string& mask_name) {
  const auto found = rows(pipe, part, region_key, {"component_id"});
  if (found.empty()) return std::nullopt;
  facemap::SvdComponents svd;
  const auto n = static_cast<Eigen::Index>(found.size());
  for (Eigen::Index k = 0; k < n; ++k) {
    const dj::Row& row = found[static_cast<size_t>(k)];
    using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const RowMajor mask = dj::unpack_matrix<RowMajor>(row, mask_name);
    const Eigen::VectorXf projection = vector_of<Eigen::VectorXf>(row, "projection");
    if (k == 0) {
      svd.ly = static_cast<int>(mask.rows());
      svd.lx = static_cast<int>(mask.cols());
      svd.masks.resize(mask.size(), n);
      svd.projections.resize(projection.size(), n);
      svd.singular_values.resize(n);
    }
    svd.masks.col(k) = Eigen::Map<const Eigen::VectorXf>(mask.data(), mask.size());
    svd.projections.col(k) = projection;
    svd.singular_values(k) =
        row.is_null("singular_value") ? 0.0f : row.get<float>("singular_value");
  }
  return svd;
}

}  // namespace

facemap::FacemapResult fetch_facial_signal(const Pipeline& pipe, const dj::Row& task_key) {
  const dj::Row key = task_key.project(pipe.table(kSignal).heading().primary_key());
  if (!(pipe.table(kSignal) & key).exists())
    throw std::invalid_argument("no FacialSignal for " + key.to_display());
  facemap::FacemapResult result;
  const auto info = (pipe.table("facial_behavior_estimation.RecordingInfo") & key).fetch();
  if (!info.empty()) {
    result.ly.push_back(info.front().get<int>("px_height"));
    result.lx.push_back(info.front().get<int>("px_width"));
    result.nframes = info.front().get<int>("nframes");
  }
  for (const auto& file :
       rows(pipe, "facial_behavior_estimation.VideoRecording.File", key, {"file_id"})) {
    result.filenames.push_back(file.get<std::string>("file_path"));
  }
  const auto summary = (pipe.table(kSignal + ".Summary") & key).fetch1();
  result.sbin = summary.get<int>("sbin");
  result.avgframe = dj::unpack_matrix<Eigen::MatrixXf>(summary, "avgframe");
  result.avgmotion = dj::unpack_matrix<Eigen::MatrixXf>(summary, "avgmotion");

  // The part a region appears in tells its type; rois keep the regions' order.
  std::map<int, facemap::RoiType> type_of;
  for (const auto& [part, type] :
       {std::pair{".Pupil", facemap::RoiType::pupil}, std::pair{".Blink", facemap::RoiType::blink},
        std::pair{".Running", facemap::RoiType::running}}) {
    for (const auto& row : (pipe.table(kSignal + part) & key).fetch_keys())
      type_of[row.get<int>("roi_no")] = type;
  }
  std::map<int, int> roi_index_of;  // roi_no -> index into result.rois
  result.full_svd = false;
  for (const auto& region : rows(pipe, kSignal + ".Region", key, {"roi_no"})) {
    const int roi_no = region.get<int>("roi_no");
    const dj::Row region_key = region.project(
        {"subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no"});
    std::optional<facemap::Roi> roi;
    if (!region.is_null("yrange")) {
      facemap::Roi r;
      r.type = type_of.count(roi_no) ? type_of[roi_no] : facemap::RoiType::motion;
      r.name = region.get<std::string>("roi_name");
      r.yrange = indices(region, "yrange");
      r.xrange = indices(region, "xrange");
      r.yrange_bin = indices(region, "yrange_bin");
      r.xrange_bin = indices(region, "xrange_bin");
      roi_index_of[roi_no] = static_cast<int>(result.rois.size());
      result.rois.push_back(r);
      roi = r;
    } else {
      result.full_svd = true;
    }
    if (roi && roi->type != facemap::RoiType::motion) continue;
    facemap::SvdRegion svd_region;
    svd_region.roi_no = roi_no;
    svd_region.roi = roi;
    if (!region.is_null("motion")) svd_region.motion = vector_of<Eigen::VectorXf>(region, "motion");
    svd_region.motion_svd = components(pipe, kSignal + ".MotionSVD", region_key, "motmask");
    svd_region.movie_svd = components(pipe, kSignal + ".MovieSVD", region_key, "movmask");
    result.svd_regions.push_back(std::move(svd_region));
  }
  for (const auto& row : rows(pipe, kSignal + ".Pupil", key, {"roi_no"})) {
    facemap::PupilTrace pupil;
    pupil.roi_index = roi_index_of.at(row.get<int>("roi_no"));
    pupil.area = vector_of<Eigen::VectorXd>(row, "area");
    pupil.area_smooth = vector_of<Eigen::VectorXd>(row, "area_smooth");
    pupil.com = dj::unpack_matrix<Eigen::MatrixXd>(row, "com");
    pupil.com_smooth = dj::unpack_matrix<Eigen::MatrixXd>(row, "com_smooth");
    pupil.axlen = dj::unpack_matrix<Eigen::MatrixXd>(row, "axlen");
    const auto axdir = dj::unpack_blob(row, "axdir").as<dj::NdArray>();
    const auto n = static_cast<Eigen::Index>(axdir.shape().at(0));
    const double* data = axdir.data<double>();  // column-major (n, 2, 2)
    pupil.axdir.resize(n, 4);
    for (Eigen::Index t = 0; t < n; ++t) {
      for (int i = 0; i < 2; ++i) {
        for (int j = 0; j < 2; ++j) pupil.axdir(t, 2 * i + j) = data[t + n * (i + 2 * j)];
      }
    }
    result.pupils.push_back(std::move(pupil));
  }
  for (const auto& row : rows(pipe, kSignal + ".Blink", key, {"roi_no"})) {
    result.blinks.push_back(
        {roi_index_of.at(row.get<int>("roi_no")), vector_of<Eigen::VectorXd>(row, "blink")});
  }
  for (const auto& row : rows(pipe, kSignal + ".Running", key, {"roi_no"})) {
    result.running.push_back({roi_index_of.at(row.get<int>("roi_no")),
                              vector_of<Eigen::VectorXd>(row, "dy"),
                              vector_of<Eigen::VectorXd>(row, "dx")});
  }
  if (!result.nframes && !result.svd_regions.empty())
    result.nframes = static_cast<int>(result.svd_regions[0].motion.size());
  return result;
}

facemap::PoseTracks fetch_keypoints(const Pipeline& pipe, const dj::Row& inference_key) {
  const std::string table = "facemap_inference.FacemapInference";
  const dj::Row key = inference_key.project(pipe.table(table).heading().primary_key());
  if (!(pipe.table(table) & key).exists())
    throw std::invalid_argument("no FacemapInference for " + key.to_display());
  facemap::PoseTracks tracks;
  const auto positions = (pipe.table(table + ".BodyPartPosition") & key).fetch();
  // Facemap's order of body parts (not the keys' sorted order), then any others.
  std::vector<std::string> order = facemap::facemap_bodyparts();
  for (const auto& row : positions) {
    const auto part = row.get<std::string>("body_part");
    if (std::find(order.begin(), order.end(), part) == order.end()) order.push_back(part);
  }
  for (const auto& part : order) {
    for (const auto& row : positions) {
      if (row.get<std::string>("body_part") != part) continue;
      const auto x = vector_of<Eigen::VectorXf>(row, "x_pos");
      if (tracks.bodyparts.empty()) {
        tracks.x.resize(x.size(), static_cast<Eigen::Index>(positions.size()));
        tracks.y.resize(x.size(), static_cast<Eigen::Index>(positions.size()));
        tracks.likelihood.resize(x.size(), static_cast<Eigen::Index>(positions.size()));
      }
      const auto column = static_cast<Eigen::Index>(tracks.bodyparts.size());
      tracks.x.col(column) = x;
      tracks.y.col(column) = vector_of<Eigen::VectorXf>(row, "y_pos");
      tracks.likelihood.col(column) = vector_of<Eigen::VectorXf>(row, "likelihood");
      tracks.bodyparts.push_back(part);
    }
  }
  return tracks;
}

}  // namespace pipeline
