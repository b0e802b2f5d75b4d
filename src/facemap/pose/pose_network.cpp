// FMnet's layers and forward pass, as Facemap's network defines them (see pose_model.hpp).

#include "pose_network.hpp"

#include <cstdlib>
#include <thread>

#include <spdlog/spdlog.h>

namespace facemap::detail {
namespace {

// BatchNorm2d -> [ReLU] -> Conv2d without bias, 'same' padding: Facemap's batchconv(0).
torch::nn::Sequential batch_conv(int in_channels, int out_channels, int kernel, bool with_relu) {
  torch::nn::Sequential stage;
  stage->push_back(
      torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(in_channels).eps(1e-5).momentum(0.1)));
  if (with_relu) stage->push_back(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
  stage->push_back(torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in_channels, out_channels, kernel).padding(kernel / 2).bias(false)));
  return stage;
}

}  // namespace

ConvBlockImpl::ConvBlockImpl(int in_channels, int out_channels, int kernel, bool first_block)
    : stage0_(batch_conv(in_channels, out_channels, kernel, !first_block)),
      stage1_(batch_conv(out_channels, out_channels, kernel, true)) {
  auto stages = torch::nn::ModuleDict(torch::OrderedDict<std::string, std::shared_ptr<Module>>{
      {"conv_0", stage0_.ptr()}, {"conv_1", stage1_.ptr()}});
  register_module("conv", stages);
}

torch::Tensor ConvBlockImpl::forward(const torch::Tensor& input) {
  return stage1_->forward(stage0_->forward(input));
}

FMnetImpl::FMnetImpl(const std::vector<int>& channels, int keypoints, int kernel) {
  constexpr int upsampling_blocks = 2;  // Facemap's n_upsample: 256 in, 64 out
  const int levels = static_cast<int>(channels.size());
  // Four poolings and two upsamplings turn 256 x 256 into the 64 x 64 maps the decoding uses.
  if (levels != 5)
    throw std::invalid_argument("FMnet takes 5 channel widths (one per resolution), got " +
                                std::to_string(levels));
  torch::OrderedDict<std::string, std::shared_ptr<Module>> encoder, decoder, heads;
  for (int level = 0; level < levels; ++level) {
    down_.emplace_back(level == 0 ? 1 : channels[level - 1], channels[level], kernel, level == 0);
    encoder.insert("conv" + std::to_string(level), down_.back().ptr());
  }
  for (int block = 0; block < upsampling_blocks; ++block) {
    const int deeper = channels[levels - 1 - block], skip = channels[levels - 2 - block];
    up_.emplace_back(deeper + skip, skip, kernel, false);
    decoder.insert("upconv" + std::to_string(block), up_.back().ptr());
  }
  const int features = channels[levels - 1 - upsampling_blocks];
  const auto head = [&] {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(features, keypoints, 1));
  };
  heatmap_head_ = head();
  locx_head_ = head();
  locy_head_ = head();
  heads.insert("conv0", heatmap_head_.ptr());
  heads.insert("conv1", locx_head_.ptr());
  heads.insert("conv2", locy_head_.ptr());
  register_module("Conv", torch::nn::ModuleDict(encoder));
  register_module("Up_conv", torch::nn::ModuleDict(decoder));
  register_module("Conv2_1x1", torch::nn::ModuleDict(heads));
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> FMnetImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> skips;
  for (std::size_t level = 0; level < down_.size(); ++level) {
    if (level > 0) x = torch::max_pool2d(x, {3, 3}, {2, 2}, {1, 1});
    x = down_[level]->forward(x);
    skips.push_back(x);
  }
  for (std::size_t block = 0; block < up_.size(); ++block) {
    x = torch::nn::functional::interpolate(x, torch::nn::functional::InterpolateFuncOptions()
                                                  .scale_factor(std::vector<double>{2, 2})
                                                  .mode(torch::kNearest));
    x = up_[block]->forward(torch::cat({x, skips[skips.size() - 2 - block]}, 1));
  }
  torch::Tensor heatmap = torch::relu(heatmap_head_->forward(x));
  if (is_training()) heatmap = 10 * heatmap / (1e-4 + heatmap.sum({-2, -1}, true));
  return {heatmap, locx_head_->forward(x), locy_head_->forward(x)};
}

torch::Device pose_device() {
  static const torch::Device device = [] {
    if (torch::cuda::is_available()) {
      // TF32 convolutions would change outputs by about 1e-3; keep float32 results comparable
      // with Facemap's.
      at::globalContext().setAllowTF32CuDNN(false);
      spdlog::info("pose network on CUDA");
      return torch::Device(torch::kCUDA);
    }
    // LibTorch defaults to half the hardware threads (its guess at physical cores) unless
    // OMP_NUM_THREADS or MKL_NUM_THREADS say otherwise; the network should use every core.
    const unsigned cores = std::thread::hardware_concurrency();
    if (!std::getenv("OMP_NUM_THREADS") && !std::getenv("MKL_NUM_THREADS") && cores > 0)
      at::set_num_threads(static_cast<int>(cores));
    spdlog::info("pose network on the CPU, {} threads", at::get_num_threads());
    return torch::Device(torch::kCPU);
  }();
  return device;
}

namespace {

// The tensor element types that model files and network outputs use.
torch::ScalarType scalar_type(const DType& dtype) {
  if (dtype == DType::of<float>()) return torch::kFloat32;
  if (dtype == DType::of<std::int64_t>()) return torch::kInt64;
  if (dtype == DType::of<std::uint8_t>()) return torch::kUInt8;
  throw std::invalid_argument("no tensor type for " + dtype.name() + " arrays");
}

DType array_dtype(torch::ScalarType type) {
  switch (type) {
    case torch::kFloat32:
      return DType::of<float>();
    case torch::kInt64:
      return DType::of<std::int64_t>();
    case torch::kUInt8:
      return DType::of<std::uint8_t>();
    default:
      throw std::invalid_argument(std::string("no RowMajorArray type for tensors of ") +
                                  c10::toString(type));
  }
}

}  // namespace

torch::Tensor to_tensor(const RowMajorArray& array) {
  const std::vector<std::uint8_t>& bytes = array.bytes();
  return torch::from_blob(const_cast<std::uint8_t*>(bytes.data()), array.shape(),
                          scalar_type(array.dtype()))
      .clone();
}

RowMajorArray to_ndarray(const torch::Tensor& tensor) {
  const torch::Tensor local = tensor.detach().to(torch::kCPU).contiguous();
  const auto* begin = static_cast<const std::uint8_t*>(local.data_ptr());
  return RowMajorArray(array_dtype(local.scalar_type()), local.sizes().vec(),
                 std::vector<std::uint8_t>(begin, begin + local.nbytes()));
}

}  // namespace facemap::detail
