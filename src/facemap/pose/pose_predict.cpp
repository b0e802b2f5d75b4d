// The pose engine's loop over a recording: decode (background thread) -> preprocess -> network
// -> keypoints, batch after batch.

#include <chrono>

#include <spdlog/spdlog.h>

#include "facemap/pose/pose.hpp"
#include "pose_network.hpp"
#include "pose_tensors.hpp"

namespace facemap {
namespace {

void check_options(const FrameSource& frames, const PoseOptions& options) {
  const int views = static_cast<int>(frames.view_sizes().size());
  if (options.view < 0 || options.view >= views)
    throw std::invalid_argument("pose option view " + std::to_string(options.view) +
                                " is not one of the recording's " + std::to_string(views) +
                                " views");
  if (options.frames_normalised_together < 1)
    throw std::invalid_argument("pose option frames_normalised_together must be at least 1");
  if (options.batch_size < 1 || options.batch_size % options.frames_normalised_together != 0)
    throw std::invalid_argument("pose option batch_size (" + std::to_string(options.batch_size) +
                                ") must be a positive multiple of frames_normalised_together (" +
                                std::to_string(options.frames_normalised_together) + ")");
  const int available = frames.nframes() - options.first_frame;
  if (options.first_frame < 0 || available < 1 || options.frame_count == 0 ||
      options.frame_count < -1 || options.frame_count > available)
    throw std::invalid_argument("pose options first_frame " + std::to_string(options.first_frame) +
                                " and frame_count " + std::to_string(options.frame_count) +
                                " do not select frames of a recording of " +
                                std::to_string(frames.nframes()));
}

}  // namespace

PoseResult predict_pose(const FrameSource& frames, const PoseModel& model,
                        const PoseOptions& options) {
  check_options(frames, options);
  const FrameSize size = frames.view_sizes()[options.view];
  const CropBox box = options.crop.value_or(CropBox::full_frame(size.height, size.width));
  const std::vector<std::string>& bodyparts = model.params().bodyparts;
  const int total =
      options.frame_count < 0 ? frames.nframes() - options.first_frame : options.frame_count;

  PoseResult result;
  const auto columns = static_cast<Eigen::Index>(bodyparts.size());
  result.keypoints = {bodyparts, Eigen::MatrixXf(total, columns), Eigen::MatrixXf(total, columns),
                      Eigen::MatrixXf(total, columns)};
  PoseMetadata& metadata = result.metadata;
  metadata.batch_size = options.frames_normalised_together;
  for (const FrameSize& view : frames.view_sizes()) {
    metadata.ly.push_back(view.height);
    metadata.lx.push_back(view.width);
  }
  metadata.bbox = box;
  metadata.total_frames = total;
  metadata.bodyparts = bodyparts;

  detail::FMnet net = model.impl().net;
  const torch::Device device = model.impl().device;
  using Clock = std::chrono::steady_clock;
  Clock::duration busy{};
  spdlog::info("pose: {} frames of {}x{}, crop rows {}..{} cols {}..{}, batches of {} on {}", total,
               size.height, size.width, box.row_begin, box.row_end, box.col_begin, box.col_end,
               options.batch_size, model.device_name());
  frames.read(
      options.first_frame, total,
      [&](const FrameBatch& batch) {
        const Clock::time_point start = Clock::now();
        PoseTracks keypoints;
        {
          torch::InferenceMode inference;
          const torch::Tensor input = detail::preprocess_batch(
              batch.views[options.view], box, options.frames_normalised_together, device);
          const auto [heatmap, locx, locy] = net->forward(input);
          keypoints = detail::decode_keypoint_tensors(heatmap, locx, locy, bodyparts);
        }
        map_to_frame(keypoints, box);
        const int row = batch.first_frame - options.first_frame;
        result.keypoints.x.middleRows(row, batch.size()) = keypoints.x;
        result.keypoints.y.middleRows(row, batch.size()) = keypoints.y;
        result.keypoints.likelihood.middleRows(row, batch.size()) = keypoints.likelihood;
        busy += Clock::now() - start;
        const int done = row + batch.size();
        if (options.progress) options.progress(done, total);
      },
      options.batch_size);

  const double seconds = std::chrono::duration<double>(busy).count();
  metadata.inference_speed = seconds > 0 ? total / seconds : 0;
  spdlog::info("pose: {} frames at {:.1f} frames/s", total, metadata.inference_speed);
  return result;
}

}  // namespace facemap
