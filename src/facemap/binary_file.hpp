#pragma once
// Whole-file reads and writes for the file formats (.npy, pickles). Private to src/facemap.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace facemap::detail {

/// The file's bytes; throws Error("<path>: cannot open for reading") when it cannot be opened.
template <class Error>
std::string read_binary_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(path.string() + ": cannot open for reading");
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

/// Replaces the file's contents; throws Error naming the file when that fails.
template <class Error>
void write_binary_file(const std::filesystem::path& path, std::string_view contents) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw Error(path.string() + ": cannot open for writing");
  file.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!file.flush()) throw Error(path.string() + ": write failed");
}

}  // namespace facemap::detail
