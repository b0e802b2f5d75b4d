// Checking that a _proc.npy belongs to the key importing it (proc_file_owner.hpp).

#include "proc_file_owner.hpp"

#include <stdexcept>
#include <string>

namespace fs = std::filesystem;

namespace pipeline::detail {
namespace {

/// The name of a file recorded on any system: what follows the last '/' or '\'.
std::string base_name(const std::string& recorded) {
  const auto slash = recorded.find_last_of("/\\");
  return slash == std::string::npos ? recorded : recorded.substr(slash + 1);
}

/// "[a.avi, b.avi]"
std::string name_list(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  return "[" + list + "]";
}

}  // namespace

void check_proc_file_owner(const dj::Row& recording, std::optional<int> nframes,
                           const std::vector<fs::path>& files, const fs::path& file,
                           const facemap::FacemapResult& result) {
  if (!nframes) {
    throw std::runtime_error("recording " + recording.to_display() +
                             " has no RecordingInfo, whose frame count shows whether " +
                             file.string() + " is its result; populate RecordingInfo first");
  }
  std::vector<std::string> expected, recorded;
  for (const auto& path : files) expected.push_back(path.filename().string());
  for (const auto& name : result.filenames) recorded.push_back(base_name(name));

  std::string differences;
  if (result.nframes != *nframes) {
    differences += "it holds " + std::to_string(result.nframes) + " frames, the recording has " +
                   std::to_string(*nframes);
  }
  if (recorded != expected) {
    differences += (differences.empty() ? "" : "; ") + std::string("it was made from ") +
                   name_list(recorded) + ", the recording's files are " + name_list(expected);
  }
  if (!differences.empty()) {
    throw std::runtime_error(file.string() + " is not the result of recording " +
                             recording.to_display() + ": " + differences);
  }
}

}  // namespace pipeline::detail
