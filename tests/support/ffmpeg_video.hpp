#pragma once
// Videos made by the ffmpeg command line (Debian's ffmpeg, with libx264 and libvpx; installed by
// scripts/setup.sh), for tests of containers and codecs the library's own writer does not make:
// Matroska and WebM, variable frame rates, audio tracks, start offsets.

#include <filesystem>
#include <string>
#include <vector>

namespace fmtest {

/// Runs `ffmpeg -hide_banner -loglevel error -y <args> <output>`, creating the output's folder.
/// Throws std::runtime_error with ffmpeg's output when it fails (or is not installed).
void run_ffmpeg(const std::vector<std::string>& args, const std::filesystem::path& output);

}  // namespace fmtest
