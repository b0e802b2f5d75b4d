#include "pipeline/task_settings.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <stdexcept>

#include "dj/blob.hpp"
#include "facemap/roi/region_crop.hpp"
#include "pipeline/task_params.hpp"
#include "pipeline/task_paths.hpp"

namespace pipeline {
namespace {

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::string yes_no(bool value) {
  return value ? "yes" : "no";
}

/// "rows a..b, columns c..d" of the true pixels of a crop-sized mask, in full-frame pixels.
std::string mask_extent(const facemap::Roi& roi,
                        const Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>& mask) {
  Eigen::Index top = mask.rows(), bottom = -1, left = mask.cols(), right = -1;
  for (Eigen::Index r = 0; r < mask.rows(); ++r) {
    for (Eigen::Index c = 0; c < mask.cols(); ++c) {
      if (!mask(r, c)) continue;
      top = std::min(top, r);
      bottom = std::max(bottom, r);
      left = std::min(left, c);
      right = std::max(right, c);
    }
  }
  if (bottom < 0 || roi.yrange.empty() || roi.xrange.empty()) return "empty";
  const auto y0 = roi.yrange.front(), x0 = roi.xrange.front();
  return "rows " + std::to_string(y0 + top) + ".." + std::to_string(y0 + bottom) + ", columns " +
         std::to_string(x0 + left) + ".." + std::to_string(x0 + right);
}

dj::Row key_of(const dj::Table& table, const dj::Row& row) {
  return row.project(table.heading().primary_key());
}

/// The task row of `table` for a whole key of it.
dj::Row task_row(const Pipeline& pipe, const std::string& table, const std::string& what,
                 const dj::Row& task_key) {
  const dj::Table tasks = pipe.table(table);
  for (const auto& name : tasks.heading().primary_key()) {
    if (!task_key.has(name))
      throw std::invalid_argument(what + " " + task_key.to_display() + ": its key lacks " + name);
  }
  const auto rows = (tasks & key_of(tasks, task_key)).fetch();
  if (rows.empty()) throw std::invalid_argument("no " + what + " " + task_key.to_display());
  return rows.front();
}

/// The stored folder, and where it resolves to now (or why it does not).
void add_output_folder(SettingLines& lines, const std::string& stored,
                       const std::function<std::filesystem::path()>& resolve) {
  lines.emplace_back("output dir", stored.empty() ? "(default)" : stored);
  try {
    lines.emplace_back("output folder", resolve().string());
  } catch (const std::exception& e) {
    lines.emplace_back("output folder", std::string("(unknown: ") + e.what() + ")");
  }
}

}  // namespace

int region_number(std::size_t index_in_task) {
  return static_cast<int>(index_in_task) + 1;
}

std::string region_text(const facemap::Roi& roi) {
  std::string text = facemap::region_label(roi);
  if (!roi.yrange.empty() && !roi.xrange.empty()) {
    text += ": rows " + std::to_string(roi.yrange.front()) + ".." +
            std::to_string(roi.yrange.back()) + ", columns " + std::to_string(roi.xrange.front()) +
            ".." + std::to_string(roi.xrange.back());
  }
  if (roi.saturation > 0) text += ", saturation " + number_text(roi.saturation);
  if (!roi.reflectors.empty()) {
    text += ", " + std::to_string(roi.reflectors.size()) + " reflector(s) (";
    for (std::size_t i = 0; i < roi.reflectors.size(); ++i)
      text += (i ? "; " : "") + mask_extent(roi, roi.reflectors[i]);
    text += ")";
  }
  return text;
}

SettingLines svd_settings(const facemap::SvdParams& params) {
  SettingLines lines;
  lines.emplace_back("sbin", std::to_string(params.sbin));
  lines.emplace_back("components", std::to_string(params.components));
  lines.emplace_back("full-frame SVD", yes_no(params.full_frame));
  for (std::size_t i = 0; i < params.rois.size(); ++i)
    lines.emplace_back("region " + std::to_string(region_number(i)), region_text(params.rois[i]));
  return lines;
}

SettingLines processing_task_settings(const Pipeline& pipe, const DataRoots& roots,
                                      const dj::Row& task_key) {
  const dj::Row task =
      task_row(pipe, "facial_behavior_estimation.FacemapTask", "processing task", task_key);
  const bool motion = task.get<bool>("do_mot_svd"), movie = task.get<bool>("do_mov_svd");
  SettingLines lines;
  lines.emplace_back("mode", task.get<std::string>("task_mode"));
  add_output_folder(lines, task.get<std::string>("facemap_output_dir"), [&] {
    return processing_output_dir(
        pipe, roots, key_of(pipe.table("facial_behavior_estimation.FacemapTask"), task));
  });
  lines.emplace_back("description", task.get<std::string>("task_description"));
  lines.emplace_back("motion SVD", yes_no(motion));
  lines.emplace_back("movie SVD", yes_no(movie));
  const SettingLines svd =
      svd_settings(from_facemap_params(dj::unpack_blob(task, "facemap_params"), motion, movie));
  lines.insert(lines.end(), svd.begin(), svd.end());
  return lines;
}

SettingLines inference_task_settings(const Pipeline& pipe, const DataRoots& roots,
                                     const dj::Row& task_key) {
  const dj::Row task =
      task_row(pipe, "facemap_inference.FacemapInferenceTask", "inference task", task_key);
  const dj::Row model_key = task.project({"model_id"});
  const dj::Row model = (pipe.table("facemap_inference.FacemapModel") & model_key).fetch1();
  SettingLines lines;
  lines.emplace_back("mode", task.get<std::string>("task_mode"));
  add_output_folder(lines, task.get<std::string>("facemap_inference_output_dir"), [&] {
    return inference_output_dir(pipe, roots,
                                key_of(pipe.table("facemap_inference.FacemapInferenceTask"), task));
  });
  lines.emplace_back("description", task.get<std::string>("task_description"));
  const long long body_parts =
      (pipe.table("facemap_inference.FacemapModel.BodyPart") & model_key).count();
  lines.emplace_back("model", std::to_string(task.get<int>("model_id")) + " (" +
                                  model.get<std::string>("model_name") + ", " +
                                  std::to_string(body_parts) + " body parts)");
  if (task.is_null("bbox")) {
    lines.emplace_back("bbox", "none (the whole frame)");
  } else {
    std::string text = "[";
    for (const std::int64_t value : dj::unpack_vector<std::int64_t>(task, "bbox"))
      text += (text.size() > 1 ? ", " : "") + std::to_string(value);
    lines.emplace_back("bbox", text + "] (x1, x2, y1, y2 in full-frame pixels)");
  }
  return lines;
}

}  // namespace pipeline
