#pragma once
// Data roots. Stored file paths are relative to a data root; roots come from
// FACEMAP_ROOT_DATA_DIR (several separated by ':') or the configuration file's "data_roots"
// (a list). Results of trigger mode go under the processed-data root
// (FACEMAP_PROCESSED_DATA_DIR or the configuration's "processed_data_dir"; default: the first
// root).

#include <filesystem>
#include <string>
#include <vector>

namespace pipeline {

/// The data roots, in order of preference.
class DataRoots {
 public:
  /// Roots from the environment, else from the configuration file.
  static DataRoots from_environment();
  DataRoots(std::vector<std::filesystem::path> roots, std::filesystem::path processed_root);

  /// The full path of `relative` under the first root where it exists.
  /// Throws naming the path and every root searched when none holds it.
  std::filesystem::path find(const std::filesystem::path& relative) const;
  /// `full` made relative to the root that contains it (throws when none does).
  std::filesystem::path relative_to_root(const std::filesystem::path& full) const;
  /// Where trigger-mode results go.
  const std::filesystem::path& processed_root() const { return processed_root_; }
  const std::vector<std::filesystem::path>& roots() const { return roots_; }

 private:
  std::vector<std::filesystem::path> roots_;
  std::filesystem::path processed_root_;
};

}  // namespace pipeline
