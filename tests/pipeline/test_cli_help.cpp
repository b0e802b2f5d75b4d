// What fmpipe says about itself: --version gives the engines' version, and `ingest --help`
// describes the manifest format, whose examples read_manifest() accepts as written.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "facemap/version.hpp"
#include "pipeline/ingest.hpp"
#include "support/command.hpp"
#include "support/test_database.hpp"

namespace fs = std::filesystem;

namespace {

fmtest::CommandResult fmpipe(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {std::string(FMPIPE_BINARY_DIR) + "/fmpipe"};
  argv.insert(argv.end(), args.begin(), args.end());
  return fmtest::run_command(argv);
}

/// The indented lines after `heading` in `text`, without their indent of two.
std::string example_after(const std::string& text, const std::string& heading) {
  std::istringstream lines(text.substr(text.find(heading) + heading.size()));
  std::string example;
  for (std::string line; std::getline(lines, line) && line.rfind("  ", 0) == 0;)
    example += line.substr(2) + "\n";
  return example;
}

TEST(CommandLine, VersionIsTheEnginesVersion) {
  const auto result = fmpipe({"--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, "fmpipe " + facemap::version() + "\n");
}

TEST(CommandLine, IngestHelpDescribesTheManifestItReads) {
  const auto result = fmpipe({"ingest", "--help"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const std::string required :
       {"subject", "session_datetime", "recording_id", "file_path", "files"})
    EXPECT_NE(result.output.find("  " + required + " "), std::string::npos) << required;
  for (const std::string optional :
       {"sex", "subject_birth_date", "subject_nickname", "session_id", "session_dir", "device"}) {
    const auto at = result.output.find("  " + optional + " ");
    ASSERT_NE(at, std::string::npos) << optional;
    EXPECT_EQ(
        result.output.substr(result.output.find_first_not_of(' ', at + optional.size() + 2), 8),
        "optional")
        << optional;
  }
  EXPECT_NE(result.output.find("M, F or U (default U)"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(".yaml .yml"), std::string::npos);
  EXPECT_NE(result.output.find(".json"), std::string::npos);

  // Each example, saved as a file of its format, is the same recording of two files.
  const fs::path folder = fs::temp_directory_path() / fmtest::unique_schema_name("fmpipe_help");
  fs::create_directories(folder);
  for (const auto& [heading, file] : {std::pair{"Example (CSV):\n", "manifest.csv"},
                                      std::pair{"Example (YAML):\n", "manifest.yaml"}}) {
    SCOPED_TRACE(file);
    std::ofstream(folder / file) << example_after(result.output, heading);
    const auto entries = pipeline::read_manifest(folder / file);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].subject, "m1");
    EXPECT_EQ(entries[0].sex, "M");
    EXPECT_EQ(entries[0].session_datetime, "2024-05-06 07:08:09");
    EXPECT_EQ(entries[0].files,
              (std::vector<std::string>{"m1/s1/face_part1.avi", "m1/s1/face_part2.avi"}));
  }
  fs::remove_all(folder);
}

}  // namespace
