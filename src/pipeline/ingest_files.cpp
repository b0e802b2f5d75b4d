// A manifest's video files found under the data roots at ingest, so that a mistyped path is
// refused with its manifest line rather than found by populate, hours later.

#include <stdexcept>

#include "pipeline/ingest.hpp"

namespace fs = std::filesystem;

namespace pipeline {

std::vector<std::string> locate_files(std::vector<RecordingEntry>& entries,
                                      const DataRoots& roots) {
  std::vector<std::string> notes;
  for (RecordingEntry& entry : entries) {
    for (size_t i = 0; i < entry.files.size(); ++i) {
      std::string& file = entry.files[i];
      const std::string& origin =
          i < entry.file_origins.size() ? entry.file_origins[i] : entry.origin;
      const std::string where = origin.empty() ? "" : origin + ": ";
      try {
        fs::path stored = fs::path(file).lexically_normal();
        if (stored.is_absolute()) {
          stored = roots.relative_to_root(stored);
          notes.push_back(where + "'" + file + "' is stored relative to its data root, as '" +
                          stored.string() + "'");
        } else if (!stored.empty() && *stored.begin() == "..") {
          throw std::invalid_argument("'" + file + "' leads out of the data roots");
        }
        roots.find(stored);
        file = stored.string();
      } catch (const std::exception& e) {
        throw std::invalid_argument(where + "video file: " + e.what());
      }
    }
  }
  return notes;
}

}  // namespace pipeline
