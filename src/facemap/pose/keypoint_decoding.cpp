// Network outputs to keypoints: heatmap argmax, location refinement, likelihood, and the way
// back from network input pixels to frame pixels.

#include "pose_network.hpp"
#include "pose_tensors.hpp"

namespace facemap {
namespace {

Eigen::MatrixXf as_matrix(const torch::Tensor& values) {
  const torch::Tensor local = values.to(torch::kCPU).to(torch::kFloat32).contiguous();
  return Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      local.data_ptr<float>(), local.size(0), local.size(1));
}

}  // namespace

namespace detail {

DecodedKeypoints decode_keypoint_maps(const torch::Tensor& heatmap, const torch::Tensor& locx,
                                      const torch::Tensor& locy) {
  const std::int64_t images = heatmap.size(0), keypoints = heatmap.size(1);
  const std::int64_t side = heatmap.size(3);
  const torch::Tensor flat = heatmap.reshape({images, keypoints, -1});
  const torch::Tensor peak = flat.argmax(-1, true);  // the first maximum, as Facemap's
  const torch::Tensor row = torch::div(peak, side, "trunc").squeeze(-1);
  const torch::Tensor col = peak.remainder(side).squeeze(-1);
  const auto at_peak = [&](const torch::Tensor& map) {
    return map.reshape({images, keypoints, -1}).gather(-1, peak).squeeze(-1);
  };
  // float32 tensor * -6.0 + int64 tensor, then * 4: Facemap's operations in its order.
  const auto unit = static_cast<float>(-2 * kHeatmapSigma);
  return {(at_peak(locy) * unit + col) * kInputPixelsPerMapPixel,
          (at_peak(locx) * unit + row) * kInputPixelsPerMapPixel, torch::sigmoid(flat.amax(-1))};
}

PoseTracks decode_keypoint_tensors(const torch::Tensor& heatmap, const torch::Tensor& locx,
                                   const torch::Tensor& locy,
                                   const std::vector<std::string>& bodyparts) {
  if (heatmap.size(1) != static_cast<std::int64_t>(bodyparts.size()))
    throw std::invalid_argument("the network gives " + std::to_string(heatmap.size(1)) +
                                " keypoints, the model names " + std::to_string(bodyparts.size()));
  const DecodedKeypoints decoded = decode_keypoint_maps(heatmap, locx, locy);
  return {bodyparts, as_matrix(decoded.x), as_matrix(decoded.y), as_matrix(decoded.likelihood)};
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
