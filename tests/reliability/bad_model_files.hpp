#pragma once
// Model files that are not Facemap's keypoint network, for the tests of what registering and
// running a model does with them: another network's state dict, Facemap's with a key missing
// or a tensor of another shape, a torch file holding a list, random bytes, text, and a
// truncated copy of the demo model.

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "facemap/io/pickle_value.hpp"
#include "facemap/io/torch_file.hpp"

namespace fmtest {

inline const std::filesystem::path kDemoModel =
    std::filesystem::path(FMPIPE_SOURCE_DIR) / "models/facemap_demo_state.pt";

/// A bad model file's name and words its error must hold.
struct BadModel {
  std::string file;    ///< its name
  std::string reason;  ///< words of the reason
};

/// Writes the bad model files into `folder` and returns them with their reasons.
inline std::vector<BadModel> write_bad_models(const std::filesystem::path& folder) {
  namespace fs = std::filesystem;
  using facemap::pickle::Value;
  fs::create_directories(folder);
  const Value demo = facemap::read_torch_file(kDemoModel);
  const auto& entries = demo.as_dict().entries();
  // The demo's state dict with its entry `skipped` left out, or with `reshaped` a 2x2 tensor
  // (no tensor of the network has that shape; its first, of the 1-channel input, is (1,)).
  const auto demo_but = [&](const fs::path& path, size_t skipped, size_t reshaped) {
    facemap::pickle::Dict state;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i == reshaped)
        state.set(entries[i].first, Value::ndarray(facemap::RowMajorArray::from_values<float>(
                                        {2, 2}, {0.f, 0.f, 0.f, 0.f})));
      else if (i != skipped)
        state.set(entries[i].first, entries[i].second);
    }
    facemap::write_torch_file(path, Value::dict(std::move(state)));
  };
  facemap::pickle::Dict other;  // a small network that is not Facemap's
  other.set("features.0.weight", Value::ndarray(facemap::RowMajorArray::from_values<float>(
                                     {2, 3}, {0.f, 1.f, 2.f, 3.f, 4.f, 5.f})));
  other.set("classifier.bias",
            Value::ndarray(facemap::RowMajorArray::from_values<float>({2}, {0.5f, -0.5f})));
  facemap::write_torch_file(folder / "other_network.pt", Value::dict(std::move(other)));
  demo_but(folder / "missing_key.pt", entries.size() - 1, entries.size());
  demo_but(folder / "wrong_shape.pt", entries.size(), 0);
  facemap::write_torch_file(folder / "a_list.pt",
                            Value::list({Value::integer(1), Value::integer(2)}));
  {
    std::mt19937 random(7);
    std::ofstream out(folder / "random_bytes.pt", std::ios::binary);
    for (int i = 0; i < 4096; ++i) out.put(static_cast<char>(random() & 0xFF));
  }
  std::ofstream(folder / "text.pt") << "these are not the weights\n";
  fs::copy_file(kDemoModel, folder / "truncated.pt", fs::copy_options::overwrite_existing);
  fs::resize_file(folder / "truncated.pt", fs::file_size(kDemoModel) / 2);
  return {
      {"other_network.pt", "not a Facemap model"},
      {"missing_key.pt", "missing key '" + entries.back().first.as_str() + "'"},
      {"wrong_shape.pt",
       "key '" + entries.front().first.as_str() + "' has shape (2, 2), the network expects"},
      {"a_list.pt", "not a state dict (it holds a list)"},
      {"random_bytes.pt", "not a torch.save zip archive"},
      {"text.pt", "not a torch.save zip archive"},
      {"truncated.pt", "not a torch.save zip archive"},
  };
}

}  // namespace fmtest
