#pragma once
// The FMnet module in LibTorch, with Facemap's module tree so that parameter names match its
// state dicts key for key; and PoseModel::Impl, which holds one on its device. Private to
// src/facemap (the only header there that includes <torch/torch.h>).

#include <tuple>
#include <vector>

#include <torch/torch.h>

#include "facemap/pose/pose_model.hpp"

namespace facemap::detail {

/// Facemap's convblock: two BatchNorm -> (ReLU ->) Conv stages, kept in a child named "conv"
/// that holds "conv_0" and "conv_1", each a Sequential whose indices ("0", "1", "2") are part of
/// the parameter names. The very first stage of the network has no ReLU.
class ConvBlockImpl : public torch::nn::Module {
 public:
  ConvBlockImpl(int in_channels, int out_channels, int kernel, bool first_block);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  torch::nn::Sequential stage0_, stage1_;
};
TORCH_MODULE(ConvBlock);

/// The whole network: children "Conv" (conv0..), "Up_conv" (upconv0, upconv1) and "Conv2_1x1"
/// (conv0 heatmap, conv1 locx, conv2 locy).
class FMnetImpl : public torch::nn::Module {
 public:
  FMnetImpl(const std::vector<int>& channels, int keypoints, int kernel = 3);
  /// Heatmap, locx, locy. In training mode each heatmap is scaled to sum to about 10, as
  /// Facemap's network does while it learns.
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> forward(torch::Tensor input);

 private:
  std::vector<ConvBlock> down_, up_;
  torch::nn::Conv2d heatmap_head_{nullptr}, locx_head_{nullptr}, locy_head_{nullptr};
};
TORCH_MODULE(FMnet);

/// The device inference and training use: CUDA when LibTorch has a GPU, else the CPU.
torch::Device pose_device();

/// An RowMajorArray (float32, int64 or uint8) as a CPU tensor sharing nothing with it; throws
/// std::invalid_argument for other element types.
torch::Tensor to_tensor(const RowMajorArray& array);
/// A tensor (any device; float32, int64 or uint8) as an RowMajorArray in C order.
RowMajorArray to_ndarray(const torch::Tensor& tensor);

}  // namespace facemap::detail

namespace facemap {

struct PoseModel::Impl {
  PoseModelParams params;
  detail::FMnet net;
  torch::Device device;
};

}  // namespace facemap
