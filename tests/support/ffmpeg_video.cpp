#include "support/ffmpeg_video.hpp"

#include <stdexcept>

#include "support/command.hpp"

namespace fmtest {

void run_ffmpeg(const std::vector<std::string>& args, const std::filesystem::path& output) {
  std::filesystem::create_directories(output.parent_path());
  std::vector<std::string> argv = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-y"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(output.string());
  CommandResult result;
  try {
    result = run_command(argv);
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(std::string(error.what()) +
                             " (scripts/setup.sh installs Debian's ffmpeg)");
  }
  if (result.exit_code != 0) {
    throw std::runtime_error("ffmpeg failed making " + output.string() + ": " + result.output);
  }
}

}  // namespace fmtest
