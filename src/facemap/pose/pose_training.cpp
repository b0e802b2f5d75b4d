// Training the keypoint network: batches of preprocessed, augmented labelled frames, Facemap's
// loss, Adam with Facemap's learning-rate schedule and gradient clipping.

#include "facemap/pose/pose_training.hpp"

#include <algorithm>
#include <numeric>
#include <random>

#include <spdlog/spdlog.h>

#include "pose_loss.hpp"
#include "pose_network.hpp"
#include "pose_tensors.hpp"

namespace facemap {
namespace {

void check_data(const LabelledFrames& data, const PoseModel& model) {
  const auto frames = static_cast<Eigen::Index>(data.frames.size());
  const auto parts = static_cast<Eigen::Index>(model.params().bodyparts.size());
  if (frames == 0) throw std::invalid_argument("no labelled frames to train on");
  for (const Eigen::MatrixXf* labels : {&data.x, &data.y})
    if (labels->rows() != frames || labels->cols() != parts)
      throw std::invalid_argument("labels must be " + std::to_string(frames) + " frames x " +
                                  std::to_string(parts) + " body parts, got " +
                                  std::to_string(labels->rows()) + " x " +
                                  std::to_string(labels->cols()));
  if (!(data.x.array().isFinite() && data.y.array().isFinite()).any())
    throw std::invalid_argument("no keypoint is labelled (every label is NaN)");
}

// Facemap's schedule: the full rate, then a tenth for the last 6 epochs, a 25th for the last 3.
double scheduled_rate(const TrainingOptions& options, int epoch) {
  const int remaining = options.epochs - epoch;
  if (remaining <= 3) return options.learning_rate / 25;
  if (remaining <= 6) return options.learning_rate / 10;
  return options.learning_rate;
}

// The box grown on every side by a random 10-30% of its size, within the frame.
CropBox grown_box(const CropBox& box, int height, int width, std::mt19937_64& random) {
  std::uniform_real_distribution<double> fraction(0.1, 0.3);
  const auto grow = [&](int size) { return static_cast<int>(size * fraction(random)); };
  return {std::max(0, box.row_begin - grow(box.height())),
          std::min(height, box.row_end + grow(box.height())),
          std::max(0, box.col_begin - grow(box.width())),
          std::min(width, box.col_end + grow(box.width()))};
}

// Random brightness (+-0.2 of the maximum) and contrast (0.7-1.3 about the mean), clipped to
// 0..maximum: Facemap's contrast augmentation.
torch::Tensor adjust_contrast(const torch::Tensor& image, std::mt19937_64& random) {
  std::uniform_real_distribution<double> brightness(-0.2, 0.2), contrast(0.7, 1.3);
  const torch::Tensor peak = image.max(), mean = image.mean();
  const torch::Tensor brighter = image + brightness(random) * peak;
  return torch::minimum(peak, (brighter - mean) * contrast(random) + mean)
      .clamp_min(0)
      .minimum(peak);
}

// One batch: preprocessed (and augmented) images, and their labels in input pixels.
std::pair<torch::Tensor, detail::TrainingBatch> make_batch(const LabelledFrames& data,
                                                           const std::vector<int>& indices,
                                                           const CropBox& box, bool augment,
                                                           std::mt19937_64& random,
                                                           const torch::Device& device) {
  const auto parts = data.x.cols();
  std::vector<torch::Tensor> images;
  torch::Tensor keypoints = torch::zeros({static_cast<std::int64_t>(indices.size()), parts, 2});
  torch::Tensor labelled =
      torch::zeros({static_cast<std::int64_t>(indices.size()), parts}, torch::kBool);
  for (std::size_t sample = 0; sample < indices.size(); ++sample) {
    const GrayFrame& frame = data.frames[indices[sample]];
    const CropBox seen = augment ? grown_box(box, static_cast<int>(frame.rows()),
                                             static_cast<int>(frame.cols()), random)
                                 : box;
    torch::Tensor image = detail::preprocess_batch({frame}, seen, 1, device);
    if (augment) image = adjust_contrast(image, random);
    images.push_back(image);
    // Frame pixels to input pixels: the inverse of map_to_frame.
    const SquarePadding padding = square_padding(seen.height(), seen.width());
    const float scale = static_cast<float>(kPoseInputSize) / static_cast<float>(padding.side);
    for (Eigen::Index part = 0; part < parts; ++part) {
      const float x = data.x(indices[sample], part), y = data.y(indices[sample], part);
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      keypoints[sample][part][0] = (x - seen.col_begin + padding.left) * scale;
      keypoints[sample][part][1] = (y - seen.row_begin + padding.top) * scale;
      labelled[sample][part] = true;
    }
  }
  return {torch::cat(images), {{}, {}, {}, keypoints.to(device), labelled.to(device)}};
}

// Puts the network back into inference mode however training ends.
class TrainingMode {
 public:
  explicit TrainingMode(detail::FMnet net) : net_(std::move(net)) { net_->train(); }
  ~TrainingMode() { net_->eval(); }
  TrainingMode(const TrainingMode&) = delete;
  TrainingMode& operator=(const TrainingMode&) = delete;

 private:
  detail::FMnet net_;
};

}  // namespace

std::vector<EpochReport> train_pose_model(PoseModel& model, const LabelledFrames& data,
                                          const TrainingOptions& options,
                                          const TrainingProgress& progress) {
  check_data(data, model);
  if (options.epochs < 1 || options.batch_size < 1)
    throw std::invalid_argument("training needs at least one epoch and batches of at least 1");
  const GrayFrame& first = data.frames.front();
  const CropBox box = data.crop.value_or(
      CropBox::full_frame(static_cast<int>(first.rows()), static_cast<int>(first.cols())));
  detail::FMnet net = model.impl().net;
  const torch::Device device = model.impl().device;
  torch::optim::Adam optimizer(
      net->parameters(),
      torch::optim::AdamOptions(options.learning_rate).weight_decay(options.weight_decay));
  const TrainingMode training(net);

  std::vector<EpochReport> reports;
  std::vector<int> order(data.frames.size());
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    EpochReport report;
    report.epoch = epoch;
    report.learning_rate = scheduled_rate(options, epoch);
    for (auto& group : optimizer.param_groups())
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(report.learning_rate);
    // Facemap reseeds every epoch; the frames' order and augmentation follow from the seed.
    std::mt19937_64 random(options.seed * 1000003 + static_cast<std::uint64_t>(epoch));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), random);
    int batches = 0;
    for (std::size_t start = 0; start < order.size(); start += options.batch_size, ++batches) {
      const std::vector<int> indices(
          order.begin() + start,
          order.begin() + std::min(order.size(), start + options.batch_size));
      auto [images, batch] = make_batch(data, indices, box, options.augment, random, device);
      std::tie(batch.heatmap, batch.locx, batch.locy) = net->forward(images);
      const torch::Tensor loss = detail::facemap_loss(batch);
      optimizer.zero_grad();
      loss.backward();
      report.max_gradient_norm =
          std::max(report.max_gradient_norm,
                   torch::nn::utils::clip_grad_norm_(net->parameters(), options.max_gradient_norm));
      optimizer.step();
      report.loss += loss.item<double>();
      report.mean_error += detail::mean_keypoint_error(batch);
    }
    report.loss /= batches;
    report.mean_error /= batches;
    spdlog::info("pose training epoch {}/{}: loss {:.4f}, mean error {:.2f} px, lr {:g}", epoch + 1,
                 options.epochs, report.loss, report.mean_error, report.learning_rate);
    reports.push_back(report);
    if (progress) progress(report);
  }
  return reports;
}

}  // namespace facemap
