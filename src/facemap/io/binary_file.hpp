#pragma once
// Whole-file reads and writes for the file formats (.npy, pickles). Private to src/facemap.

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "facemap/io/partial_file.hpp"

namespace facemap::detail {

/// The file's bytes; throws Error("<path>: cannot open for reading") when it cannot be opened.
template <class Error>
std::string read_binary_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(path.string() + ": cannot open for reading");
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

/// Replaces the file's contents, whole or not at all (facemap/io/partial_file.hpp); throws Error
/// naming the file and the system's reason (e.g. "No space left on device") when that fails.
/// The stream keeps errno as the failing system call left it, which is the only place the
/// reason survives.
template <class Error>
void write_binary_file(const std::filesystem::path& path, std::string_view contents) {
  try {
    PartialFile partial(path);
    errno = 0;
    std::ofstream file(partial.path(), std::ios::binary | std::ios::trunc);
    const auto reason = [] { return errno ? std::string(": ") + std::strerror(errno) : ""; };
    if (!file) throw Error(path.string() + ": cannot open for writing" + reason());
    file.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (!file.flush()) throw Error(path.string() + ": write failed" + reason());
    file.close();
    if (file.fail()) throw Error(path.string() + ": write failed" + reason());
    partial.commit();
  } catch (const FileWriteError& error) {
    throw Error(error.what());
  }
}

}  // namespace facemap::detail
