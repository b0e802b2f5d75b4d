// PoseModel: building FMnet, moving Facemap's state dicts in and out of it, running it.

#include <map>

#include "facemap/io/pickle.hpp"
#include "facemap/io/torch_file.hpp"
#include "pose_network.hpp"

namespace facemap {
namespace {

using pickle::Value;

// Every parameter and buffer of the network in state-dict order: for each module in preorder,
// its own parameters, then its own buffers (the order torch's state_dict() gives).
std::vector<std::pair<std::string, torch::Tensor>> named_state(const detail::FMnet& net) {
  std::vector<std::pair<std::string, torch::Tensor>> state;
  for (const auto& module : net->named_modules()) {
    const std::string prefix = module.key().empty() ? "" : module.key() + ".";
    for (const auto& parameter : module.value()->named_parameters(false))
      state.emplace_back(prefix + parameter.key(), parameter.value());
    for (const auto& buffer : module.value()->named_buffers(false))
      state.emplace_back(prefix + buffer.key(), buffer.value());
  }
  return state;
}

std::unique_ptr<PoseModel::Impl> make_impl(PoseModelParams params) {
  if (params.bodyparts.empty()) throw std::invalid_argument("a pose model needs body parts");
  detail::FMnet net(params.channels, static_cast<int>(params.bodyparts.size()));
  const torch::Device device = detail::pose_device();
  net->to(device);
  net->eval();
  return std::make_unique<PoseModel::Impl>(PoseModel::Impl{std::move(params), net, device});
}

// Copies the state dict in `file` into the network, as torch's strict load_state_dict does.
void load_state_dict(const std::filesystem::path& file, const detail::FMnet& net) {
  Value state;
  try {
    state = read_torch_file(file);
  } catch (const TorchFileError& error) {
    throw PoseModelError(error.what());
  }
  if (state.kind() != Value::Kind::dict)
    throw PoseModelError(file.string() + ": not a state dict (it holds a " + state.kind_name() +
                         ")");
  const pickle::Dict& entries = state.as_dict();
  const auto expected = named_state(net);
  std::map<std::string, const torch::Tensor*> by_name;
  for (const auto& [name, tensor] : expected) by_name.emplace(name, &tensor);
  for (const auto& [key, value] : entries.entries()) {
    if (key.kind() != Value::Kind::str || !by_name.count(key.as_str()))
      throw PoseModelError(file.string() + ": unexpected key " +
                           (key.kind() == Value::Kind::str ? "'" + key.as_str() + "'"
                                                           : "of type " + key.kind_name()) +
                           " (not a parameter of this network)");
  }
  torch::NoGradGuard no_grad;
  for (const auto& [name, tensor] : expected) {
    const Value* value = entries.find(name);
    if (value == nullptr) throw PoseModelError(file.string() + ": missing key '" + name + "'");
    if (value->kind() != Value::Kind::ndarray)
      throw PoseModelError(file.string() + ": key '" + name + "' holds a " + value->kind_name() +
                           ", not a tensor");
    const RowMajorArray& array = value->as_ndarray();
    if (array.shape() != tensor.sizes().vec())
      throw PoseModelError(file.string() + ": key '" + name + "' has shape " +
                           shape_text(array.shape()) + ", the network expects " +
                           shape_text(tensor.sizes().vec()));
    try {
      tensor.copy_(detail::to_tensor(array).to(tensor.scalar_type()));
    } catch (const std::invalid_argument& error) {
      throw PoseModelError(file.string() + ": key '" + name + "': " + error.what());
    }
  }
}

}  // namespace

const std::vector<std::string>& facemap_bodyparts() {
  static const std::vector<std::string> names(kFaceKeypointNames.begin(), kFaceKeypointNames.end());
  return names;
}

PoseModel::PoseModel(PoseModelParams params, std::uint64_t seed) {
  torch::manual_seed(seed);
  impl_ = make_impl(std::move(params));
}

PoseModel::PoseModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PoseModel::PoseModel(PoseModel&&) noexcept = default;
PoseModel& PoseModel::operator=(PoseModel&&) noexcept = default;
PoseModel::~PoseModel() = default;

PoseModel PoseModel::load(const std::filesystem::path& state_file,
                          const std::filesystem::path& params_file) {
  return load_state(state_file, read_pose_model_params(params_file));
}

PoseModel PoseModel::load_state(const std::filesystem::path& state_file, PoseModelParams params) {
  PoseModel model(make_impl(std::move(params)));
  load_state_dict(state_file, model.impl_->net);
  return model;
}

void PoseModel::save(const std::filesystem::path& state_file,
                     const std::filesystem::path& params_file) const {
  save_state(state_file);
  write_pose_model_params(params_file, impl_->params);
}

void PoseModel::save_state(const std::filesystem::path& state_file) const {
  pickle::Dict dict;
  for (auto& [name, array] : state_dict()) dict.set(name, Value::ndarray(std::move(array)));
  write_torch_file(state_file, Value::dict(std::move(dict)));
}

std::vector<std::pair<std::string, RowMajorArray>> PoseModel::state_dict() const {
  std::vector<std::pair<std::string, RowMajorArray>> state;
  for (const auto& [name, tensor] : named_state(impl_->net))
    state.emplace_back(name, detail::to_ndarray(tensor));
  return state;
}

const PoseModelParams& PoseModel::params() const {
  return impl_->params;
}

std::string PoseModel::device_name() const {
  return impl_->device.is_cuda() ? "cuda" : "cpu";
}

NetworkOutputs PoseModel::forward(const RowMajorArray& images) const {
  const RowMajorArray::Shape& shape = images.shape();
  if (images.dtype() != DType::of<float>() || shape.size() != 4 || shape[1] != 1 ||
      shape[2] != kPoseInputSize || shape[3] != kPoseInputSize)
    throw std::invalid_argument("the pose network takes (n, 1, 256, 256) float32 images, got " +
                                images.describe());
  torch::InferenceMode inference;
  const auto [heatmap, locx, locy] =
      impl_->net->forward(detail::to_tensor(images).to(impl_->device));
  return {detail::to_ndarray(heatmap), detail::to_ndarray(locx), detail::to_ndarray(locy)};
}

PoseModelParams read_pose_model_params(const std::filesystem::path& params_file) {
  try {
    const Value file = read_torch_file(params_file);
    const pickle::Dict& params = file.as_dict().at("params").as_dict();
    PoseModelParams result;
    result.channels.clear();
    for (const Value& width : params.at("channels").items())
      result.channels.push_back(static_cast<int>(width.as_int()));
    if (const Value* names = params.find("bodyparts")) {
      result.bodyparts.clear();
      for (const Value& name : names->items()) result.bodyparts.push_back(name.as_str());
    }
    return result;
  } catch (const TorchFileError& error) {
    throw PoseModelError(error.what());
  } catch (const std::exception& error) {  // a missing key or a value of the wrong type
    throw PoseModelError(params_file.string() + ": not a Facemap model params file (" +
                         error.what() + ")");
  }
}

void write_pose_model_params(const std::filesystem::path& params_file,
                             const PoseModelParams& params) {
  pickle::Items channels, bodyparts;
  for (const int width : params.channels) channels.push_back(Value::integer(width));
  for (const std::string& name : params.bodyparts) bodyparts.push_back(Value::str(name));
  pickle::Dict inner, outer;
  inner.set("channels", Value::list(std::move(channels)));
  inner.set("bodyparts", Value::list(std::move(bodyparts)));
  outer.set("params", Value::dict(std::move(inner)));
  write_torch_file(params_file, Value::dict(std::move(outer)));
}

}  // namespace facemap
