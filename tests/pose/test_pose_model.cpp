// The keypoint network against Facemap's own: both fixture state dicts load under Facemap's key
// names, and the heatmaps and location maps on the fixture input equal PyTorch's to 1e-4.
// Saving writes Facemap's layout back; broken model files give errors naming file and reason.

#include <algorithm>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "facemap/io/npy.hpp"
#include "facemap/pose/pose_model.hpp"
#include "facemap/io/torch_file.hpp"
#include "pose/pose_test_files.hpp"
#include "support/file_layout.hpp"

using facemap::RowMajorArray;
using facemap::PoseModel;
using facemap::PoseModelError;
using facemap::PoseModelParams;

using fmtest::fmnet_data;

namespace {

float max_abs_difference(const RowMajorArray& ours, const RowMajorArray& expected) {
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

// A torch.save archive's records by name, without the archive folder (torch.save names it after
// the file's stem, which differs between Facemap's files and ours); checks that folder.
std::map<std::string, fmtest::ZipRecord> records_by_name(const std::filesystem::path& path) {
  std::map<std::string, fmtest::ZipRecord> records;
  const std::string folder = path.stem().string() + "/";
  for (fmtest::ZipRecord& record : fmtest::zip_records(path)) {
    EXPECT_EQ(record.name.compare(0, folder.size(), folder), 0) << record.name;
    records[record.name.substr(folder.size())] = std::move(record);
  }
  return records;
}

// Compares one of our torch.save files with Facemap's: the same records, all stored uncompressed
// with their data on 64-byte boundaries (as PyTorch's writer aligns them), data.pkl first, the
// same version record and storage bytes, and data.pkl's pickle with the same layout (every class,
// call, persistent id, key, shape, stride and flag). Record order is not compared: torch.save
// orders storages by their keys as strings (data/0, data/1, data/10, ...), LibTorch's writer in
// the order written, and readers find records by name.
void expect_torch_file_like(const std::filesystem::path& ours,
                            const std::filesystem::path& facemaps, bool state_dict) {
  SCOPED_TRACE(facemaps.filename().string());
  const auto written = records_by_name(ours), expected = records_by_name(facemaps);
  EXPECT_EQ(fmtest::zip_records(ours).front().name, ours.stem().string() + "/data.pkl");
  EXPECT_EQ(fmtest::zip_records(facemaps).front().name, facemaps.stem().string() + "/data.pkl");
  for (const auto& [name, want] : expected) {
    const auto found = written.find(name);
    ASSERT_NE(found, written.end()) << name << " is missing from our file";
    const fmtest::ZipRecord& got = found->second;
    EXPECT_EQ(got.method, 0) << name;
    EXPECT_EQ(want.method, 0) << name;
    EXPECT_EQ(got.data_offset % 64, 0u) << name;
    EXPECT_EQ(want.data_offset % 64, 0u) << name;
    if (name != "data.pkl") {
      EXPECT_TRUE(got.data == want.data) << name << " differs";
    }
  }
  for (const auto& [name, record] : written)
    EXPECT_TRUE(expected.count(name)) << name << " is not in Facemap's file";
  ASSERT_TRUE(written.count("data.pkl") && expected.count("data.pkl"));
  EXPECT_EQ(expected.at("version").data, "3\n");

  facemap::pickle::Value got = fmtest::read_pickle_structure(written.at("data.pkl").data);
  facemap::pickle::Value want = fmtest::read_pickle_structure(expected.at("data.pkl").data);
  if (state_dict) {
    // Facemap's state dict is an OrderedDict with torch's `_metadata` attribute (each module's
    // version); ours is a plain dict without it (facemap/io/torch_file.hpp). load_state_dict reads
    // those versions only to add a BatchNorm's num_batches_tracked where a version-1 file lacks
    // it, and our files hold every num_batches_tracked (compared above and below), so the layouts
    // are compared without it. Should our writer add it, it must be Facemap's.
    ASSERT_FALSE(want.as_dict().attributes.is_none());
    EXPECT_TRUE(want.as_dict().attributes.as_dict().contains("_metadata"));
    if (!got.as_dict().attributes.is_none()) {
      EXPECT_EQ(fmtest::pickle_layout(got.as_dict().attributes),
                fmtest::pickle_layout(want.as_dict().attributes));
    }
    got.mutable_dict().attributes = {};
    want.mutable_dict().attributes = {};
    EXPECT_EQ(want.as_dict().size(), 90u);
  }
  // Entry by entry, so that a difference names its key.
  const auto& got_entries = got.as_dict().entries();
  const auto& want_entries = want.as_dict().entries();
  ASSERT_EQ(got_entries.size(), want_entries.size());
  for (std::size_t i = 0; i < want_entries.size(); ++i) {
    EXPECT_EQ(fmtest::pickle_layout(got_entries[i].first),
              fmtest::pickle_layout(want_entries[i].first));
    EXPECT_EQ(fmtest::pickle_layout(got_entries[i].second),
              fmtest::pickle_layout(want_entries[i].second))
        << fmtest::pickle_layout(want_entries[i].first);
  }
  EXPECT_EQ(fmtest::pickle_layout(got), fmtest::pickle_layout(want));
}

TEST(PoseModel, SavedFilesHaveTheLayoutOfFacemapsFiles) {
  for (const std::string state : {"fmnet_state_seed0.pt", "fmnet_bnrand_state_seed0.pt"}) {
    const PoseModel model =
        PoseModel::load(fmnet_data(state), fmnet_data("facemap_model_params.pth"));
    const auto state_file = fmtest::pose_temporary("layout_state.pt"),
               params_file = fmtest::pose_temporary("layout_params.pth");
    model.save(state_file, params_file);
    expect_torch_file_like(state_file, fmnet_data(state), true);
    expect_torch_file_like(params_file, fmnet_data("facemap_model_params.pth"), false);
    std::filesystem::remove(state_file);
    std::filesystem::remove(params_file);
  }
}

TEST(PoseModel, SmallerChannelConfigurationsWork) {
  PoseModelParams params;
  params.channels = {8, 12, 16, 24, 32};
  params.bodyparts = {"a", "b"};
  const PoseModel model(params, 3);
  const facemap::NetworkOutputs outputs =
      model.forward(RowMajorArray(facemap::DType::of<float>(), {2, 1, 256, 256}));
  EXPECT_EQ(outputs.heatmap.shape(), (RowMajorArray::Shape{2, 2, 64, 64}));
  EXPECT_EQ(outputs.locy.shape(), (RowMajorArray::Shape{2, 2, 64, 64}));
}

TEST(PoseModel, NeedsFiveChannelWidths) {
  PoseModelParams params;
  params.channels = {8, 16, 32, 48};
  EXPECT_THROW(PoseModel{params}, std::invalid_argument);
}

TEST(PoseModel, ForwardRejectsOtherShapes) {
  const PoseModel model;
  EXPECT_THROW(model.forward(RowMajorArray(facemap::DType::of<float>(), {1, 1, 128, 128})),
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
  dict.set("extra.weight", facemap::pickle::Value::ndarray(RowMajorArray()));
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
