#pragma once
// The creation time a video container records about itself. OpenCV does not expose container
// metadata and FFmpeg's own libraries are not a dependency of the project, so the one field is
// read here by hand from the file's box structure.

#include <chrono>
#include <filesystem>
#include <optional>

namespace facemap::detail {

/// The `creation_time` of an MP4 / QuickTime file's movie header (`moov/mvhd`), when the file is
/// one and the field is set (non-zero). Other containers give no time: std::nullopt.
std::optional<std::chrono::system_clock::time_point> container_creation_time(
    const std::filesystem::path& path);

}  // namespace facemap::detail
