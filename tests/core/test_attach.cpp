// <attach> values: file name, NUL, contents.

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "dj/attach.hpp"

namespace {

TEST(Attach, PacksNameNulContentsAndBack) {
  const dj::Attachment attachment{"video.avi", std::string("\0\1data", 6)};
  const std::string stored = dj::pack_attachment(attachment);
  EXPECT_EQ(stored, std::string("video.avi\0\0\1data", 16));
  EXPECT_EQ(dj::unpack_attachment(stored), attachment);
  EXPECT_EQ(dj::unpack_attachment(std::string("a\0", 2)), (dj::Attachment{"a", ""}));
}

TEST(Attach, RejectsBadNamesAndBytesWithoutName) {
  EXPECT_THROW(dj::pack_attachment({"", "x"}), std::invalid_argument);
  EXPECT_THROW(dj::pack_attachment({"dir/file", "x"}), std::invalid_argument);
  EXPECT_THROW(dj::unpack_attachment("no separator"), std::invalid_argument);
  EXPECT_THROW(dj::unpack_attachment(std::string("\0data", 5)), std::invalid_argument);
}

TEST(Attach, ReadsAFileUnderItsBaseName) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("fmpipe_attach_" + std::to_string(getpid()) + ".bin");
  std::ofstream(path, std::ios::binary) << std::string("\x00\xff", 2);
  const dj::Attachment attachment = dj::read_attachment(path);
  std::filesystem::remove(path);
  EXPECT_EQ(attachment.filename, path.filename().string());
  EXPECT_EQ(attachment.contents, std::string("\x00\xff", 2));
  EXPECT_THROW(dj::read_attachment(path), std::runtime_error);
}

}  // namespace
