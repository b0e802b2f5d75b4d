#pragma once
// Files the pose tests share: the fixture copies in tests/data/fmnet and temporary paths.

#include <unistd.h>

#include <filesystem>
#include <string>

#include "support/test_database.hpp"

namespace fmtest {

/// A file of tests/data/fmnet (copies of Facemap's network fixtures; see its README).
inline std::filesystem::path fmnet_data(const std::string& name) {
  return test_data("fmnet/" + name);
}

/// A path in the temporary folder that no other test process uses: "fmpipe_pose_<pid>_<name>".
inline std::filesystem::path pose_temporary(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("fmpipe_pose_" + std::to_string(::getpid()) + "_" + name);
}

}  // namespace fmtest
