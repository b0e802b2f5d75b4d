// torch.save files: the fixture state dicts and params file that PyTorch wrote, our own files
// read back, the pickle writer's hooks that torch.save's layout needs, and errors.

#include <fstream>

#include <gtest/gtest.h>

#include "facemap/io/pickle.hpp"
#include "facemap/io/torch_file.hpp"
#include "pose/pose_test_files.hpp"

using facemap::DType;
using facemap::RowMajorArray;
using facemap::TorchFileError;
using facemap::pickle::Dict;
using facemap::pickle::Global;
using facemap::pickle::Object;
using facemap::pickle::Value;

using fmtest::fmnet_data;

namespace {

std::string read_error(const std::filesystem::path& path) {
  try {
    facemap::read_torch_file(path);
  } catch (const TorchFileError& error) {
    return error.what();
  }
  return "no error";
}

TEST(ReadTorchFile, FixtureStateDictHasEveryTensorWithItsShape) {
  const Value state = facemap::read_torch_file(fmnet_data("fmnet_state_seed0.pt"));
  const Dict& tensors = state.as_dict();
  ASSERT_EQ(tensors.size(), 90u);
  // Every line of state_dict_keys.txt: name, shape, dtype, in the file's order.
  std::ifstream keys(fmnet_data("state_dict_keys.txt"));
  std::size_t index = 0;
  for (std::string line; std::getline(keys, line); ++index) {
    const std::size_t tab1 = line.find('\t'), tab2 = line.rfind('\t');
    const auto& [key, value] = tensors.entries().at(index);
    EXPECT_EQ(key.as_str(), line.substr(0, tab1));
    const RowMajorArray& array = value.as_ndarray();
    EXPECT_EQ(facemap::shape_text(array.shape()), line.substr(tab1 + 1, tab2 - tab1 - 1))
        << key.as_str();
    EXPECT_EQ(array.dtype(),
              line.substr(tab2 + 1) == "int64" ? DType::of<std::int64_t>() : DType::of<float>());
  }
  EXPECT_EQ(index, 90u);
  // BatchNorm defaults in a fresh network: weight 1, bias 0, var 1, no batches tracked.
  EXPECT_EQ(tensors.at("Conv.conv1.conv.conv_0.0.weight").as_ndarray().values<float>(),
            std::vector<float>(16, 1.0f));
  EXPECT_EQ(tensors.at("Conv.conv1.conv.conv_0.0.num_batches_tracked").as_ndarray().values<int>(),
            std::vector<int>{0});
}

TEST(ReadTorchFile, FixtureParamsFile) {
  const Value file = facemap::read_torch_file(fmnet_data("facemap_model_params.pth"));
  const Dict& params = file.as_dict().at("params").as_dict();
  EXPECT_EQ(params.at("channels").as_list().size(), 5u);
  EXPECT_EQ(params.at("channels").as_list()[4].as_int(), 200);
  EXPECT_EQ(params.at("bodyparts").as_list()[13].as_str(), "whisker(III)");
}

TEST(WriteTorchFile, ValuesAndTensorsOfEveryTypeReadBack) {
  Dict nested;
  nested.set("weights", Value::ndarray(RowMajorArray::from_values<float>({2, 3}, {1, 2, 3, 4, 5, 6})));
  nested.set("count", Value::ndarray(RowMajorArray::from_values<std::int64_t>({}, {7})));
  nested.set("mask", Value::ndarray(RowMajorArray::from_values<bool>({3}, {true, false, true})));
  nested.set("bytes", Value::ndarray(RowMajorArray::from_values<std::uint8_t>({2}, {0, 255})));
  nested.set("empty", Value::ndarray(RowMajorArray::from_values<double>({0, 4}, {})));
  Dict top;
  top.set("params", Value::dict(nested));
  top.set("names", Value::list({Value::str("a"), Value::none(), Value::real(0.5)}));
  top.set("pair", Value::tuple({Value::integer(-3), Value::boolean(true)}));
  const Value original = Value::dict(top);

  const auto path = fmtest::pose_temporary("values.pt");
  facemap::write_torch_file(path, original);
  EXPECT_EQ(facemap::read_torch_file(path), original);
  std::filesystem::remove(path);
}

TEST(WriteTorchFile, LaysOutTheArchiveAsTorchSaveDoes) {
  const auto path = fmtest::pose_temporary("layout.pt");
  Dict state;
  state.set("w", Value::ndarray(RowMajorArray::from_values<float>({2}, {1.5f, -2.0f})));
  facemap::write_torch_file(path, Value::dict(state));
  std::ifstream file(path, std::ios::binary);
  const std::string zip((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // Records are stored uncompressed, named after the file's stem, data.pkl first.
  const std::string stem = path.stem().string();
  EXPECT_EQ(zip.substr(0, 4), "PK\x03\x04");
  EXPECT_EQ(zip.substr(30, stem.size() + 9), stem + "/data.pkl");
  EXPECT_NE(zip.find(stem + "/data/0"), std::string::npos);
  EXPECT_NE(zip.find(stem + "/version"), std::string::npos);
  // The tensor as torch.save pickles it.
  EXPECT_NE(zip.find("ctorch._utils\n_rebuild_tensor_v2\n"), std::string::npos);
  EXPECT_NE(zip.find("ctorch\nFloatStorage\n"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(PickleWriterHooks, PersistentIdsAndReducedObjects) {
  // A storage stands for itself by a persistent id; a tensor is rebuilt by a REDUCE on it.
  const Value storage =
      Value::object(Object{Global{"torch", "FloatStorage"}, Value::tuple(), {}, 7});
  const Value tensor = Value::object(
      Object{Global{"torch._utils", "_rebuild_tensor_v2"}, Value::tuple({storage}), {}, {}});
  facemap::pickle::WriteOptions options;
  options.objects_as_reduce = true;
  options.persistent_id = [&](const Value& value) -> std::optional<Value> {
    if (!value.same_as(storage)) return std::nullopt;
    return Value::tuple({Value::str("storage"), Value::str("0")});
  };
  const std::string stream = facemap::pickle::write_pickle(tensor, options);
  EXPECT_NE(stream.find("storage"), std::string::npos);
  EXPECT_EQ(stream.find("FloatStorage"), std::string::npos);  // replaced by its id

  facemap::pickle::ReadOptions read;
  read.persistent_load = [](const Value& id) { return Value::str(id.as_tuple()[1].as_str()); };
  read.resolve_global = [](const Global& callable, const Value& args) -> std::optional<Value> {
    return Value::object(Object{callable, args, {}, {}});
  };
  const Value back = facemap::pickle::read_pickle(stream, read);
  EXPECT_EQ(back.as_object().callable.qualified(), "torch._utils._rebuild_tensor_v2");
  EXPECT_EQ(back.as_object().args, Value::tuple({Value::str("0")}));

  // BUILD follows when an object has a state.
  const Value built =
      Value::object(Object{Global{"m", "C"}, Value::tuple(), Value::integer(3), {}});
  const Value read_built =
      facemap::pickle::read_pickle(facemap::pickle::write_pickle(built, options), read);
  EXPECT_EQ(read_built.as_object().state, Value::integer(3));
}

TEST(ReadTorchFile, BrokenFilesAreClearErrors) {
  EXPECT_NE(read_error("/nonexistent/x.pt").find("/nonexistent/x.pt: cannot open for reading"),
            std::string::npos);

  const auto not_zip = fmtest::pose_temporary("not_zip.pt");
  std::ofstream(not_zip) << "plain text";
  EXPECT_NE(read_error(not_zip).find(not_zip.string() + ": not a torch.save zip archive"),
            std::string::npos);

  // A real archive cut short: its central directory is gone.
  const auto truncated = fmtest::pose_temporary("truncated.pt");
  {
    std::ifstream source(fmnet_data("facemap_model_params.pth"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(source)), std::istreambuf_iterator<char>());
    std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  EXPECT_NE(read_error(truncated).find(truncated.string() + ": not a torch.save zip archive"),
            std::string::npos);

  std::filesystem::remove(not_zip);
  std::filesystem::remove(truncated);
}

}  // namespace
