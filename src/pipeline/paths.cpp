#include "pipeline/paths.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "dj/settings.hpp"
#include "pipeline/config_locations.hpp"

namespace fs = std::filesystem;

namespace pipeline {
namespace {
std::vector<fs::path> split_roots(const std::string& list) {
  std::vector<fs::path> roots;
  std::stringstream stream(list);
  std::string item;
  while (std::getline(stream, item, ':')) {
    if (!item.empty()) roots.emplace_back(item);
  }
  return roots;
}
}  // namespace

DataRoots::DataRoots(std::vector<fs::path> roots, fs::path processed_root)
    : roots_(std::move(roots)), processed_root_(std::move(processed_root)) {
  if (processed_root_.empty() && !roots_.empty()) processed_root_ = roots_.front();
}

DataRoots DataRoots::from_environment() {
  std::vector<fs::path> roots;
  fs::path processed;
  const char* env_roots = std::getenv("FACEMAP_ROOT_DATA_DIR");
  const char* env_processed = std::getenv("FACEMAP_PROCESSED_DATA_DIR");
  const auto config = dj::read_config_file(config_locations());
  if (env_roots && *env_roots) {
    roots = split_roots(env_roots);
  } else if (auto it = config.find("data_roots"); it != config.end() && it->is_array()) {
    for (const auto& root : *it) roots.emplace_back(root.get<std::string>());
  }
  if (env_processed && *env_processed) {
    processed = env_processed;
  } else if (auto it = config.find("processed_data_dir"); it != config.end() && it->is_string()) {
    processed = it->get<std::string>();
  }
  return DataRoots(std::move(roots), std::move(processed));
}

fs::path DataRoots::find(const fs::path& relative) const {
  if (relative.is_absolute()) {
    throw std::invalid_argument("data path '" + relative.string() +
                                "' must be relative to a data root");
  }
  std::string searched;
  for (const auto& root : roots_) {
    fs::path candidate = root / relative;
    if (fs::exists(candidate)) return candidate;
    searched += (searched.empty() ? "" : ", ") + root.string();
  }
  if (roots_.empty()) {
    throw std::runtime_error("data path '" + relative.string() +
                             "': no data root is set (FACEMAP_ROOT_DATA_DIR)");
  }
  throw std::runtime_error("data path '" + relative.string() + "' exists under no data root (" +
                           searched + ")");
}

fs::path DataRoots::relative_to_root(const fs::path& full) const {
  const fs::path normal = fs::weakly_canonical(full);
  for (const auto& root : roots_) {
    const fs::path canonical_root = fs::weakly_canonical(root);
    auto [root_end, path_it] =
        std::mismatch(canonical_root.begin(), canonical_root.end(), normal.begin(), normal.end());
    if (root_end == canonical_root.end()) return normal.lexically_relative(canonical_root);
  }
  std::string listed;
  for (const auto& root : roots_) listed += (listed.empty() ? "" : ", ") + root.string();
  throw std::runtime_error("'" + full.string() + "' lies under no data root (" +
                           (listed.empty() ? "none is set: FACEMAP_ROOT_DATA_DIR" : listed) + ")");
}

}  // namespace pipeline
