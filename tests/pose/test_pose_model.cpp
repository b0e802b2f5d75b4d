// The keypoint network against Facemap's own: both fixture state dicts load under Facemap's key
// names, and the heatmaps and location maps on the fixture input equal PyTorch's to 1e-4.
// Saving writes Facemap's layout back; broken model files give errors naming file and reason.

#include <fstream>

#include <gtest/gtest.h>

#include "facemap/npy.hpp"
#include "facemap/pose_model.hpp"
#include "facemap/torch_file.hpp"
#include "pose/pose_test_files.hpp"

using facemap::NdArray;
using facemap::PoseModel;
using facemap::PoseModelError;
using facemap::PoseModelParams;

using fmtest::fmnet_data;

namespace {

float max_abs_difference(const NdArray& ours, const NdArray& expected) {
  EXPECT_EQ(ours.shape(), expected.shape());
  const std::vector<float> a = ours.values<float>(), b = expected.values<float>();
  float largest = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    largest = std::max(largest, std::abs(a[i] - b[i]));
  return largest;
}

// The names in the fixture's state_dict_keys.txt (first column), in order.
std::vector<std::string> fixture_keys() {
  std::ifstream file(fmnet_data("state_dict_keys.txt"));
  std::vector<std::string> keys;
  for (std::string line; std::getline(file, line);) keys.push_back(line.substr(0, line.find('\t')));
  return keys;
}

class FixtureNetwork : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureNetwork, OutputsEqualPyTorchs) {
  const std::string run = GetParam();
  const std::string state = run == "seed0" ? "fmnet_state_seed0.pt" : "fmnet_bnrand_state_seed0.pt";
  const PoseModel model =
      PoseModel::load(fmnet_data(state), fmnet_data("facemap_model_params.pth"));
  EXPECT_EQ(model.params().channels, (std::vector<int>{16, 32, 64, 128, 200}));
  EXPECT_EQ(model.params().bodyparts, facemap::facemap_bodyparts());

  const facemap::NetworkOutputs outputs =
      model.forward(facemap::read_npy(fmnet_data("input_x.npy")));
  const float heatmap = max_abs_difference(
      outputs.heatmap, facemap::read_npy(fmnet_data("out_" + run + "_heatmap.npy")));
  const float locx =
      max_abs_difference(outputs.locx, facemap::read_npy(fmnet_data("out_" + run + "_locx.npy")));
  const float locy =
      max_abs_difference(outputs.locy, facemap::read_npy(fmnet_data("out_" + run + "_locy.npy")));
  EXPECT_LT(heatmap, 1e-4);
  EXPECT_LT(locx, 1e-4);
  EXPECT_LT(locy, 1e-4);
  std::cout << run << ": largest differences heatmap " << heatmap << ", locx " << locx << ", locy "
            << locy << "\n";
}

INSTANTIATE_TEST_SUITE_P(BothStateDicts, FixtureNetwork,
                         ::testing::Values("seed0", "bnrand_seed0"));

TEST(PoseModel, StateDictKeysAreFacemapsInFacemapsOrder) {
  const PoseModel model;  // Facemap's default configuration
  std::vector<std::string> names;
  for (const auto& [name, array] : model.state_dict()) names.push_back(name);
  EXPECT_EQ(names, fixture_keys());
  EXPECT_EQ(names.size(), 90u);
}

TEST(PoseModel, SavedModelReadsBackEqualAndInFacemapsLayout) {
  const PoseModel original = PoseModel::load(fmnet_data("fmnet_bnrand_state_seed0.pt"),
                                             fmnet_data("facemap_model_params.pth"));
  const auto state = fmtest::pose_temporary("state.pt"),
             params = fmtest::pose_temporary("params.pth");
  original.save(state, params);
  const PoseModel copy = PoseModel::load(state, params);
  const auto a = original.state_dict(), b = copy.state_dict();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first);
    EXPECT_TRUE(a[i].second == b[i].second) << a[i].first;
  }
  // The raw file: a dict of tensors named as Facemap names them.
  const auto raw = facemap::read_torch_file(state);
  EXPECT_EQ(raw.as_dict().at("Conv.conv0.conv.conv_0.0.num_batches_tracked").as_ndarray().dtype(),
            facemap::DType::of<std::int64_t>());
  EXPECT_EQ(facemap::read_pose_model_params(params).channels, original.params().channels);
  std::filesystem::remove(state);
  std::filesystem::remove(params);
}

TEST(PoseModel, SmallerChannelConfigurationsWork) {
  PoseModelParams params;
  params.channels = {8, 12, 16, 24, 32};
  params.bodyparts = {"a", "b"};
  const PoseModel model(params, 3);
  const facemap::NetworkOutputs outputs =
      model.forward(NdArray(facemap::DType::of<float>(), {2, 1, 256, 256}));
  EXPECT_EQ(outputs.heatmap.shape(), (NdArray::Shape{2, 2, 64, 64}));
  EXPECT_EQ(outputs.locy.shape(), (NdArray::Shape{2, 2, 64, 64}));
}

TEST(PoseModel, NeedsFiveChannelWidths) {
  PoseModelParams params;
  params.channels = {8, 16, 32, 48};
  EXPECT_THROW(PoseModel{params}, std::invalid_argument);
}

TEST(PoseModel, ForwardRejectsOtherShapes) {
  const PoseModel model;
  EXPECT_THROW(model.forward(NdArray(facemap::DType::of<float>(), {1, 1, 128, 128})),
               std::invalid_argument);
}

std::string load_error(const std::filesystem::path& state, const PoseModelParams& params = {}) {
  try {
    PoseModel::load_state(state, params);
  } catch (const PoseModelError& error) {
    return error.what();
  }
  return "no error";
}

TEST(PoseModel, MismatchedStateDictsAreClearErrors) {
  PoseModelParams other;
  other.channels = {16, 32, 64, 128, 256};
  const std::string wrong_shape = load_error(fmnet_data("fmnet_state_seed0.pt"), other);
  EXPECT_NE(wrong_shape.find("fmnet_state_seed0.pt: key 'Conv.conv4.conv.conv_0.2.weight' has "
                             "shape (200, 128, 3, 3), the network expects (256, 128, 3, 3)"),
            std::string::npos)
      << wrong_shape;

  const auto partial = fmtest::pose_temporary("partial.pt");
  facemap::pickle::Dict dict;
  for (const auto& [name, array] : PoseModel().state_dict())
    if (name != "Up_conv.upconv1.conv.conv_1.0.running_var")
      dict.set(name, facemap::pickle::Value::ndarray(array));
  facemap::write_torch_file(partial, facemap::pickle::Value::dict(dict));
  EXPECT_NE(load_error(partial).find("missing key 'Up_conv.upconv1.conv.conv_1.0.running_var'"),
            std::string::npos);
  dict.set("extra.weight", facemap::pickle::Value::ndarray(NdArray()));
  facemap::write_torch_file(partial, facemap::pickle::Value::dict(dict));
  EXPECT_NE(load_error(partial).find("unexpected key 'extra.weight'"), std::string::npos);
  std::filesystem::remove(partial);
}

TEST(PoseModel, CorruptAndMissingFilesAreClearErrors) {
  const auto corrupt = fmtest::pose_temporary("corrupt.pt");
  std::ofstream(corrupt) << "this is not a zip archive";
  const std::string not_zip = load_error(corrupt);
  EXPECT_NE(not_zip.find(corrupt.string() + ": not a torch.save zip archive"), std::string::npos)
      << not_zip;
  std::filesystem::remove(corrupt);

  const std::string missing = load_error("/nonexistent/model.pt");
  EXPECT_NE(missing.find("/nonexistent/model.pt: cannot open"), std::string::npos) << missing;

  // The params file is a torch.save archive too, but not a state dict.
  const std::string params_as_state = load_error(fmnet_data("facemap_model_params.pth"));
  EXPECT_NE(params_as_state.find("unexpected key 'params'"), std::string::npos) << params_as_state;
  EXPECT_THROW(facemap::read_pose_model_params(fmnet_data("fmnet_state_seed0.pt")), PoseModelError);
}

}  // namespace
