// Files written under a temporary name (facemap/io/partial_file.hpp): a committed file appears
// whole under its name, an abandoned one leaves nothing, a failed write leaves what was there,
// and the temporary folders of killed processes are removed by the next writer in the folder
// while those of running processes and of other hosts are kept.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "facemap/io/npy.hpp"
#include "facemap/io/partial_file.hpp"
#include "support/child_process.hpp"

namespace fs = std::filesystem;
using facemap::PartialFile;

namespace {

using namespace std::chrono_literals;

class PartialFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("fmpipe_test_partial_" + std::to_string(getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  /// The names in the folder, hidden ones included.
  std::set<std::string> names() const {
    std::set<std::string> found;
    for (const auto& entry : fs::directory_iterator(folder_))
      found.insert(entry.path().filename().string());
    return found;
  }
  static std::string contents(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  /// The name of a temporary folder of process `pid` on this host: "<prefix><pid>-<n>-<host>".
  /// `after` 0 is the sequence number of the last one this process made, 1 the next one's.
  std::string private_folder_of(pid_t pid, int after = 0) const {
    const PartialFile probe(folder_ / "probe");
    const std::string own = probe.path().parent_path().filename().string();
    const std::string prefix = ".fmpipe-partial-" + std::to_string(getpid()) + "-";
    EXPECT_EQ(own.rfind(prefix, 0), 0u) << own;
    const std::size_t host = own.find('-', prefix.size());
    const int sequence = std::stoi(own.substr(prefix.size(), host - prefix.size()));
    return ".fmpipe-partial-" + std::to_string(pid) + "-" + std::to_string(sequence + after) +
           own.substr(host);
  }

  fs::path folder_;
};

/// The id of a process that has ended.
pid_t ended_process() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  return child;
}

}  // namespace

TEST_F(PartialFiles, ACommittedFileAppearsWholeUnderItsName) {
  const fs::path target = folder_ / "result.npy";
  {
    PartialFile file(target);
    EXPECT_EQ(file.target(), target);
    EXPECT_EQ(file.path().filename(), "result.npy");  // writers see the final name
    EXPECT_EQ(file.path().parent_path().parent_path(), folder_);
    write(file.path(), "complete");
    EXPECT_FALSE(fs::exists(target));
    file.commit();
    EXPECT_EQ(contents(target), "complete");
  }
  EXPECT_EQ(names(), std::set<std::string>{"result.npy"});
}

TEST_F(PartialFiles, AnAbandonedFileLeavesWhatWasThere) {
  write(folder_ / "result.npy", "earlier result");
  {
    PartialFile file(folder_ / "result.npy");
    write(file.path(), "half of a new");
  }
  {
    PartialFile file(folder_ / "new.npy");
    write(file.path(), "half");
  }
  EXPECT_EQ(names(), std::set<std::string>{"result.npy"});
  EXPECT_EQ(contents(folder_ / "result.npy"), "earlier result");
}

TEST_F(PartialFiles, AFailedRenameIsAnErrorNamingTheFileAndLeavesNothing) {
  fs::create_directories(folder_ / "taken.npy/inside");
  {
    PartialFile file(folder_ / "taken.npy");
    write(file.path(), "data");
    try {
      file.commit();
      ADD_FAILURE() << "a file replaced a folder";
    } catch (const facemap::FileWriteError& error) {
      EXPECT_NE(
          std::string(error.what()).find((folder_ / "taken.npy").string() + ": cannot rename"),
          std::string::npos)
          << error.what();
    }
  }
  EXPECT_EQ(names(), std::set<std::string>{"taken.npy"});
  EXPECT_TRUE(fs::is_directory(folder_ / "taken.npy/inside"));
}

TEST_F(PartialFiles, AFolderThatCannotBeWrittenIsAnErrorNamingTheFile) {
  write(folder_ / "a_file", "");
  try {
    PartialFile file(folder_ / "a_file/result.npy");
    ADD_FAILURE() << "made a folder inside a regular file";
  } catch (const facemap::FileWriteError& error) {
    EXPECT_NE(std::string(error.what())
                  .find((folder_ / "a_file/result.npy").string() +
                        ": cannot create the temporary folder"),
              std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("Not a directory"), std::string::npos);
  }
}

TEST_F(PartialFiles, WhatKilledProcessesLeftIsRemovedByTheNextWriter) {
  const std::string dead = private_folder_of(ended_process());
  const std::string running = private_folder_of(getppid());
  const std::string elsewhere =
      ".fmpipe-partial-" + std::to_string(ended_process()) + "-0-another-host.example.org";
  for (const auto& name : {dead, running, elsewhere}) {
    fs::create_directories(folder_ / name);
    write(folder_ / name / "result_proc.npy", "half");
  }
  {
    PartialFile file(folder_ / "other.npy");
    write(file.path(), "x");
    file.commit();
  }
  EXPECT_EQ(names(), (std::set<std::string>{running, elsewhere, "other.npy"}));
}

TEST_F(PartialFiles, AFolderLeftByAKilledProcessWithThisIdIsReplaced) {
  // A killed process had this process's id and left the name this process makes next.
  const std::string next = private_folder_of(getpid(), 1);
  fs::create_directories(folder_ / next);
  write(folder_ / next / "result.npy", "half");
  {
    PartialFile file(folder_ / "result.npy");
    EXPECT_FALSE(fs::exists(file.path()));
    write(file.path(), "whole");
    file.commit();
  }
  EXPECT_EQ(names(), std::set<std::string>{"result.npy"});
  EXPECT_EQ(contents(folder_ / "result.npy"), "whole");
}

TEST_F(PartialFiles, AWriteCutShortLeavesNothingUnderTheName) {
  // A file-size limit makes the write fail as a full disk does (SIGXFSZ ignored: EFBIG).
  const fs::path target = folder_ / "big.npy";
  auto child = fmtest::ChildProcess::fork([&] {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{64 << 10, 64 << 10};
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
      facemap::write_npy(target, facemap::RowMajorArray::from_values<double>(
                                     {100000}, std::vector<double>(100000, 1.5)));
    } catch (const facemap::NpyError& error) {
      const std::string message = error.what();
      return message.find(target.string()) != std::string::npos &&
                     message.find("File too large") != std::string::npos
                 ? 0
                 : 3;
    }
    return 4;
  });
  EXPECT_EQ(child.wait(30s).code, 0);
  EXPECT_TRUE(names().empty());
}
