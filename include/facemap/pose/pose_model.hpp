#pragma once
// Facemap's keypoint network (FMnet): a U-Net-like encoder of convolution blocks with max pooling,
// two nearest-neighbour upsampling blocks with skip connections, and three 1x1 heads. A 256x256
// grayscale input gives, per keypoint, a 64x64 heatmap and two 64x64 location-refinement maps.
//
// A model is Facemap's pair of files: the weights, `torch.save(net.state_dict())` with Facemap's
// own parameter names (e.g. "Conv.conv0.conv.conv_0.0.weight"), and `facemap_model_params.pth`,
// `torch.save({"params": {"channels": [...], "bodyparts": [...]}})`. Models Facemap saved load
// here, and models saved here load in Facemap. The network runs on CUDA when LibTorch has it and
// on all CPU cores otherwise; this header needs no LibTorch.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "facemap/io/row_major_array.hpp"

namespace facemap {

/// Side of the network's square input, in pixels.
constexpr int kPoseInputSize = 256;
/// Side of the network's square output maps: a quarter of the input.
constexpr int kPoseMapSize = 64;

/// Facemap's 15 face keypoints, in Facemap's order (its `bodyparts`), as its released model
/// outputs them.
inline constexpr std::array<const char*, 15> kFaceKeypointNames = {
    "eye(back)",  "eye(bottom)",  "eye(front)", "eye(top)",     "lowerlip",
    "mouth",      "nose(bottom)", "nose(r)",    "nose(tip)",    "nose(top)",
    "nosebridge", "paw",          "whisker(I)", "whisker(III)", "whisker(II)"};
/// The same names as strings.
const std::vector<std::string>& facemap_bodyparts();

/// What a model file cannot give: missing, corrupt, or not matching the network. The message
/// names the file and the reason (a missing or unexpected key, a wrong shape).
class PoseModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The network's configuration, as `facemap_model_params.pth` holds it.
struct PoseModelParams {
  /// Widths of the 5 encoder blocks (256, 128, 64, 32 and 16 pixels wide); Facemap's released
  /// model uses {16, 32, 64, 128, 200}.
  std::vector<int> channels = {16, 32, 64, 128, 200};
  /// One output channel per keypoint.
  std::vector<std::string> bodyparts = facemap_bodyparts();
};

/// The network's raw outputs for a batch, each (n, keypoints, 64, 64) float32: the heatmap (after
/// ReLU), and the location maps "locx" (head Conv2_1x1.conv1, the row offset) and "locy" (head
/// Conv2_1x1.conv2, the column offset), in units of -2 sigma = -6 map pixels.
struct NetworkOutputs {
  RowMajorArray heatmap;
  RowMajorArray locx;
  RowMajorArray locy;
};

/// The configuration of the network a state dict saved by Facemap (or by us) holds, for
/// `bodyparts`: the encoder widths read from the weights' shapes, so that a model file alone is
/// enough to run it. Throws PoseModelError naming the file when it is not a Facemap model's.
PoseModelParams params_of_state(const std::filesystem::path& state_file,
                                std::vector<std::string> bodyparts);

/// A keypoint network with its weights, on the device it runs on.
class PoseModel {
 public:
  /// A network with PyTorch's default initialisation from the seed (weights for training).
  explicit PoseModel(PoseModelParams params = {}, std::uint64_t seed = 0);
  /// Loads Facemap's two files. The state dict must hold exactly the network's keys, with their
  /// shapes; otherwise PoseModelError names the file and the first problem.
  static PoseModel load(const std::filesystem::path& state_file,
                        const std::filesystem::path& params_file);
  /// Loads weights into a network of the given configuration (for a state dict alone).
  static PoseModel load_state(const std::filesystem::path& state_file, PoseModelParams params);
  /// Loads a state dict alone, for `bodyparts`, in a network of the widths its weights have
  /// (params_of_state).
  static PoseModel load_saved(const std::filesystem::path& state_file,
                              std::vector<std::string> bodyparts);

  PoseModel(PoseModel&&) noexcept;
  PoseModel& operator=(PoseModel&&) noexcept;
  ~PoseModel();

  /// Writes the weights (Facemap's state-dict layout, keys in Facemap's order) and the params.
  void save(const std::filesystem::path& state_file,
            const std::filesystem::path& params_file) const;
  /// The weights alone, as a torch.save'd state dict.
  void save_state(const std::filesystem::path& state_file) const;

  const PoseModelParams& params() const;
  /// "cpu" or "cuda".
  std::string device_name() const;

  /// Runs the network in inference mode on `images`, (n, 1, 256, 256) float32 (preprocessed as
  /// pose_preprocess.hpp describes). Throws std::invalid_argument for another shape or dtype.
  NetworkOutputs forward(const RowMajorArray& images) const;

  /// The state dict: parameter and buffer names in Facemap's order, with their values.
  std::vector<std::pair<std::string, RowMajorArray>> state_dict() const;

  /// The network itself, for the engine's own sources (defined in src/facemap/pose/pose_network.hpp).
  struct Impl;
  Impl& impl() { return *impl_; }
  const Impl& impl() const { return *impl_; }

 private:
  explicit PoseModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Reads `facemap_model_params.pth`. Facemap itself reads only "channels"; missing "bodyparts"
/// default to Facemap's 15. Throws PoseModelError naming the file.
PoseModelParams read_pose_model_params(const std::filesystem::path& params_file);

/// Writes `facemap_model_params.pth` as Facemap does.
void write_pose_model_params(const std::filesystem::path& params_file,
                             const PoseModelParams& params);

}  // namespace facemap
