// The network configuration a saved state dict holds (pose_model.hpp). It reads the weights'
// shapes with our torch-file reader, so it needs no LibTorch.

#include "facemap/pose/pose_model.hpp"
#include "facemap/io/torch_file.hpp"

namespace facemap {

PoseModelParams params_of_state(const std::filesystem::path& state_file,
                                std::vector<std::string> bodyparts) {
  pickle::Value state;
  try {
    state = read_torch_file(state_file);
  } catch (const TorchFileError& error) {
    throw PoseModelError(error.what());
  }
  if (state.kind() != pickle::Value::Kind::dict)
    throw PoseModelError(state_file.string() + ": not a state dict (it holds a " +
                         state.kind_name() + ")");
  PoseModelParams params;
  params.bodyparts = std::move(bodyparts);
  for (size_t k = 0; k < params.channels.size(); ++k) {
    // Each encoder block ends with a 3x3 convolution whose output width is the block's.
    const std::string key = "Conv.conv" + std::to_string(k) + ".conv.conv_1.2.weight";
    const auto* weight = state.as_dict().find(key);
    if (!weight || weight->kind() != pickle::Value::Kind::ndarray)
      throw PoseModelError(state_file.string() + ": no tensor '" + key + "': not a Facemap model");
    params.channels[k] = static_cast<int>(weight->as_ndarray().shape().at(0));
  }
  return params;
}

PoseModel PoseModel::load_saved(const std::filesystem::path& state_file,
                                std::vector<std::string> bodyparts) {
  return load_state(state_file, params_of_state(state_file, std::move(bodyparts)));
}

}  // namespace facemap
