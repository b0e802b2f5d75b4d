// Network outputs to keypoints: heatmap argmax, location refinement, likelihood, and the way
// back from network input pixels to frame pixels.

#include "pose_network.hpp"
#include "pose_tensors.hpp"

namespace facemap {
namespace {

// Facemap's refinement maps are in units of -2 sigma map pixels (sigma 3), and a map pixel is
// 4 input pixels.
constexpr float kLocationUnit = -6.0f;
constexpr float kInputPixelsPerMapPixel = 4.0f;

Eigen::MatrixXf as_matrix(const torch::Tensor& values) {
  const torch::Tensor local = values.to(torch::kCPU).to(torch::kFloat32).contiguous();
  return Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      local.data_ptr<float>(), local.size(0), local.size(1));
}

}  // namespace

namespace detail {

PoseTracks decode_keypoint_tensors(const torch::Tensor& heatmap, const torch::Tensor& locx,
                                   const torch::Tensor& locy,
                                   const std::vector<std::string>& bodyparts) {
  const std::int64_t images = heatmap.size(0), keypoints = heatmap.size(1);
  const std::int64_t side = heatmap.size(3);
  if (keypoints != static_cast<std::int64_t>(bodyparts.size()))
    throw std::invalid_argument("the network gives " + std::to_string(keypoints) +
                                " keypoints, the model names " + std::to_string(bodyparts.size()));
  const torch::Tensor flat = heatmap.reshape({images, keypoints, -1});
  const torch::Tensor peak = flat.argmax(-1, true);  // the first maximum, as Facemap's
  const torch::Tensor row = torch::div(peak, side, "trunc"), col = peak.remainder(side);
  const torch::Tensor row_offset = locx.reshape({images, keypoints, -1}).gather(-1, peak);
  const torch::Tensor col_offset = locy.reshape({images, keypoints, -1}).gather(-1, peak);
  PoseTracks result;
  result.bodyparts = bodyparts;
  result.x = as_matrix(((col_offset * kLocationUnit + col) * kInputPixelsPerMapPixel).squeeze(-1));
  result.y = as_matrix(((row_offset * kLocationUnit + row) * kInputPixelsPerMapPixel).squeeze(-1));
  result.likelihood = as_matrix(torch::sigmoid(flat.amax(-1)));
  return result;
}

}  // namespace detail

PoseTracks decode_keypoints(const NetworkOutputs& outputs,
                            const std::vector<std::string>& bodyparts) {
  return detail::decode_keypoint_tensors(detail::to_tensor(outputs.heatmap),
                                         detail::to_tensor(outputs.locx),
                                         detail::to_tensor(outputs.locy), bodyparts);
}

void map_to_frame(PoseTracks& keypoints, const CropBox& box) {
  // Undo the resize, then the padding, then the crop, each a float32 step as in Facemap.
  const SquarePadding padding = square_padding(box.height(), box.width());
  const float scale = static_cast<float>(padding.side) / static_cast<float>(kPoseInputSize);
  keypoints.x = keypoints.x * scale;
  keypoints.x.array() -= static_cast<float>(padding.left);
  keypoints.x.array() += static_cast<float>(box.col_begin);
  keypoints.y = keypoints.y * scale;
  keypoints.y.array() -= static_cast<float>(padding.top);
  keypoints.y.array() += static_cast<float>(box.row_begin);
}

}  // namespace facemap
