// The video reader: exact frame counts, frame rate, size and creation time; multi-file and
// multi-view recordings; frame-exact random access; clear errors for missing, truncated and
// corrupt files (made here from copies of the fixture videos).

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "facemap/video/video.hpp"
#include "support/test_database.hpp"

namespace fs = std::filesystem;
using facemap::FrameBatch;
using facemap::GrayFrame;
using facemap::Recording;
using facemap::VideoError;

namespace {

constexpr const char* kSynthFace = "svd/synth_face.avi";  // 2450 frames, 160 x 200, 30 fps, FFV1
constexpr const char* kMouseFace = "real/mouse_face_800x480.mp4";  // 749 frames, 25 fps, H.264

// A folder of scratch files, removed at the end of the test.
class ScratchFolder {
 public:
  ScratchFolder()
      : path_(fs::temp_directory_path() /
              ("fmpipe-test-video-" + std::to_string(getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::create_directories(path_);
  }
  ~ScratchFolder() { fs::remove_all(path_); }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

std::vector<char> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Offset of the first occurrence of `tag` in `bytes`.
std::size_t find_tag(const std::vector<char>& bytes, const std::string& tag) {
  const auto found = std::search(bytes.begin(), bytes.end(), tag.begin(), tag.end());
  EXPECT_NE(found, bytes.end()) << tag;
  return static_cast<std::size_t>(found - bytes.begin());
}

void put_u32(std::vector<char>& bytes, std::size_t offset, std::uint32_t value, bool big_endian) {
  for (int i = 0; i < 4; ++i) {
    const int shift = big_endian ? 8 * (3 - i) : 8 * i;
    bytes[offset + i] = static_cast<char>((value >> shift) & 0xff);
  }
}

// The frames `wanted` of a recording, decoded sequentially from its start.
std::map<int, GrayFrame> decode_sequentially(const Recording& recording,
                                             const std::vector<int>& wanted) {
  std::map<int, GrayFrame> frames;
  recording.for_each_batch([&](const FrameBatch& batch) {
    for (int i = 0; i < batch.size(); ++i) {
      const int frame = batch.first_frame + i;
      if (std::find(wanted.begin(), wanted.end(), frame) != wanted.end()) {
        frames[frame] = batch.views[0][i];
      }
    }
  });
  return frames;
}

GrayFrame read_one(const Recording& recording, int frame) {
  GrayFrame result;
  recording.read(frame, 1, [&](const FrameBatch& batch) { result = batch.views[0][0]; });
  return result;
}

void expect_random_access_matches_sequential(const Recording& recording,
                                             const std::vector<int>& frames) {
  const std::map<int, GrayFrame> sequential = decode_sequentially(recording, frames);
  for (int frame : frames) {
    const GrayFrame sought = read_one(recording, frame);
    ASSERT_EQ(sought.rows(), sequential.at(frame).rows());
    EXPECT_TRUE(sought == sequential.at(frame)) << "frame " << frame;
  }
}

// Runs `action`, expecting a VideoError whose message names `file` and, when frame >= 0, that
// frame; returns the error's frame.
template <class Action>
int expect_video_error(const Action& action, const fs::path& file) {
  try {
    action();
  } catch (const VideoError& error) {
    EXPECT_EQ(error.path(), file);
    EXPECT_NE(std::string(error.what()).find(file.string()), std::string::npos) << error.what();
    if (error.frame() >= 0) {
      EXPECT_NE(std::string(error.what()).find("frame " + std::to_string(error.frame())),
                std::string::npos)
          << error.what();
    }
    return error.frame();
  }
  ADD_FAILURE() << "no VideoError for " << file;
  return -2;
}

}  // namespace

TEST(Video, DescribesTheFixtureVideos) {
  FMPIPE_SKIP_WITHOUT_SHARED(synth_path, kSynthFace);
  const Recording synth({synth_path});
  EXPECT_EQ(synth.nframes(), 2450);
  EXPECT_DOUBLE_EQ(synth.fps(), 30.0);
  ASSERT_EQ(synth.view_sizes().size(), 1u);
  EXPECT_EQ(synth.view_sizes()[0].height, 160);
  EXPECT_EQ(synth.view_sizes()[0].width, 200);
  EXPECT_NEAR(synth.duration_seconds(), 2450 / 30.0, 1e-9);
  EXPECT_FALSE(synth.creation_time().has_value());

  const Recording mouse({fmtest::shared_fixture(kMouseFace)});
  EXPECT_EQ(mouse.nframes(), 749);
  EXPECT_DOUBLE_EQ(mouse.fps(), 25.0);
  EXPECT_EQ(mouse.view_sizes()[0].height, 480);
  EXPECT_EQ(mouse.view_sizes()[0].width, 800);
  EXPECT_FALSE(mouse.creation_time().has_value());  // its mvhd creation time is 0
}

TEST(Video, DecodesExactlyTheCountedFramesInOrder) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, kMouseFace);
  const Recording recording({path});
  int expected_first = 0;
  recording.for_each_batch(
      [&](const FrameBatch& batch) {
        EXPECT_EQ(batch.first_frame, expected_first);
        EXPECT_LE(batch.size(), 50);
        for (const GrayFrame& frame : batch.views[0]) {
          EXPECT_EQ(frame.rows(), 480);
          EXPECT_EQ(frame.cols(), 800);
        }
        expected_first += batch.size();
      },
      50);
  EXPECT_EQ(expected_first, 749);
}

TEST(Video, FractionalFrameRate) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, kSynthFace);
  ScratchFolder folder;
  // The AVI stream header's scale and rate set the frame rate: 30000 / 1001 = 29.97 fps.
  std::vector<char> bytes = read_bytes(path);
  const std::size_t header = find_tag(bytes, "strh") + 8;
  put_u32(bytes, header + 20, 1001, false);
  put_u32(bytes, header + 24, 30000, false);
  write_bytes(folder / "ntsc.avi", bytes);
  const Recording recording({folder / "ntsc.avi"});
  EXPECT_NEAR(recording.fps(), 30000.0 / 1001.0, 1e-9);
  EXPECT_EQ(recording.nframes(), 2450);
  expect_random_access_matches_sequential(recording, {1, 700, 1500, 2449});
}

TEST(Video, CreationTimeFromTheMovieHeader) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, kMouseFace);
  ScratchFolder folder;
  std::vector<char> bytes = read_bytes(path);
  // mvhd: size, type, version (0) and flags, then the creation time in seconds since 1904.
  const std::uint32_t unix_seconds = 1709294400;  // 2024-03-01 12:00:00 UTC
  put_u32(bytes, find_tag(bytes, "mvhd") + 8, unix_seconds + 2082844800u, true);
  write_bytes(folder / "dated.mp4", bytes);
  const Recording recording({folder / "dated.mp4"});
  ASSERT_TRUE(recording.creation_time().has_value());
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(
                recording.creation_time()->time_since_epoch())
                .count(),
            unix_seconds);
}

TEST(Video, SequentialFilesFormOneRecording) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, kSynthFace);
  const Recording single({path});
  const Recording twice({path, path});
  EXPECT_EQ(twice.nframes(), 4900);
  ASSERT_EQ(twice.files().size(), 2u);
  EXPECT_EQ(twice.files()[1].nframes, 2450);
  // Frames 2448 .. 2452 straddle the boundary: the first file's last two, the second's first three.
  std::vector<GrayFrame> straddling;
  twice.read(
      2448, 5,
      [&](const FrameBatch& batch) {
        for (const GrayFrame& frame : batch.views[0]) straddling.push_back(frame);
      },
      2);
  ASSERT_EQ(straddling.size(), 5u);
  const std::vector<int> same_in_single = {2448, 2449, 0, 1, 2};
  for (std::size_t i = 0; i < straddling.size(); ++i) {
    EXPECT_TRUE(straddling[i] == read_one(single, same_in_single[i])) << i;
  }
  EXPECT_FALSE(straddling[1] == straddling[2]);
}

TEST(Video, SeekingIsFrameExact) {
  FMPIPE_SKIP_WITHOUT_SHARED(synth_path, kSynthFace);
  // FFV1 in AVI (every frame a key frame) and H.264 in MP4 (key frames 250 apart, B-frames).
  expect_random_access_matches_sequential(Recording({synth_path}),
                                          {0, 1, 17, 499, 500, 1000, 1449, 2448, 2449});
  expect_random_access_matches_sequential(Recording({fmtest::shared_fixture(kMouseFace)}),
                                          {0, 1, 100, 249, 250, 251, 500, 747, 748});
}

TEST(Video, SeveralViews) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, kSynthFace);
  const Recording views = Recording::multi_view({{path}, {path}});
  EXPECT_EQ(views.view_count(), 2);
  EXPECT_EQ(views.nframes(), 2450);
  views.read(1200, 3, [&](const FrameBatch& batch) {
    ASSERT_EQ(batch.views.size(), 2u);
    for (int i = 0; i < batch.size(); ++i) EXPECT_TRUE(batch.views[0][i] == batch.views[1][i]);
  });
  const fs::path short_video = fmtest::shared_fixture("fmnet/pose_synth_160x200.avi");  // 30 frames
  EXPECT_THROW(Recording::multi_view({{path}, {short_video}}), VideoError);
}

TEST(Video, MissingFileIsNamed) {
  const fs::path missing = fs::temp_directory_path() / "fmpipe-no-such-video.avi";
  EXPECT_EQ(expect_video_error([&] { Recording recording({missing}); }, missing), -1);
}

TEST(Video, FileThatIsNotAVideoIsNamed) {
  ScratchFolder folder;
  write_bytes(folder / "notes.avi", std::vector<char>(4096, 'x'));
  expect_video_error([&] { Recording recording({folder / "notes.avi"}); }, folder / "notes.avi");
}

TEST(Video, TruncatedFileNamesTheFirstMissingFrame) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, kSynthFace);
  ScratchFolder folder;
  std::vector<char> bytes = read_bytes(path);
  // Cut at 15 MB of 31.9 MB: FFV1 frames of this video are 12.9 to 13.2 kB, so about frame 1155.
  bytes.resize(15000000);
  write_bytes(folder / "truncated.avi", bytes);
  const int frame = expect_video_error([&] { Recording recording({folder / "truncated.avi"}); },
                                       folder / "truncated.avi");
  EXPECT_GE(frame, 1130);
  EXPECT_LE(frame, 1165);
  // In a multi-file recording the error names the damaged file, with its own frame number.
  EXPECT_EQ(expect_video_error(
                [&] {
                  Recording recording({path, folder / "truncated.avi"});
                },
                folder / "truncated.avi"),
            frame);
}

TEST(Video, MovieWithoutItsIndexIsNamed) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, kMouseFace);
  ScratchFolder folder;
  std::vector<char> bytes = read_bytes(path);
  bytes.resize(bytes.size() / 2);  // this MP4's index (moov) is at its end
  write_bytes(folder / "half.mp4", bytes);
  expect_video_error([&] { Recording recording({folder / "half.mp4"}); }, folder / "half.mp4");
}

TEST(Video, CorruptFileNamesTheFrame) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, kMouseFace);
  ScratchFolder folder;
  std::vector<char> bytes = read_bytes(path);
  // Zeros over 100 kB in the middle of the H.264 data: the frames from there on cannot be read.
  std::fill(bytes.begin() + 1200000, bytes.begin() + 1300000, '\0');
  write_bytes(folder / "corrupt.mp4", bytes);
  const int frame = expect_video_error([&] { Recording recording({folder / "corrupt.mp4"}); },
                                       folder / "corrupt.mp4");
  // 1.2 MB of the 2.4 MB file: about half of its 749 frames come before the damage.
  EXPECT_GE(frame, 300);
  EXPECT_LE(frame, 450);
}

TEST(Video, RangeOutsideTheRecording) {
  facemap::FrameArray frames(std::vector<GrayFrame>(3, GrayFrame::Zero(4, 5)));
  EXPECT_THROW(frames.read(2, 2, [](const FrameBatch&) {}), std::out_of_range);
  EXPECT_THROW(frames.read(-1, 1, [](const FrameBatch&) {}), std::out_of_range);
}

TEST(Video, FrameArrayServesBatches) {
  std::vector<GrayFrame> frames;
  for (int t = 0; t < 7; ++t)
    frames.push_back(GrayFrame::Constant(3, 4, static_cast<std::uint8_t>(t)));
  const facemap::FrameArray array(frames);
  EXPECT_EQ(array.nframes(), 7);
  std::vector<int> firsts, values;
  array.read(
      2, 5,
      [&](const FrameBatch& batch) {
        firsts.push_back(batch.first_frame);
        for (const GrayFrame& frame : batch.views[0]) values.push_back(frame(0, 0));
      },
      2);
  EXPECT_EQ(firsts, (std::vector<int>{2, 4, 6}));
  EXPECT_EQ(values, (std::vector<int>{2, 3, 4, 5, 6}));
  EXPECT_THROW(facemap::FrameArray({frames[0], GrayFrame::Zero(2, 2)}), std::invalid_argument);
  EXPECT_THROW(
      facemap::FrameArray(std::vector<std::vector<GrayFrame>>{{frames[0]}, {frames[0], frames[1]}}),
      std::invalid_argument);
}

TEST(Video, ConsumerErrorStopsTheDecoder) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, kSynthFace);
  const Recording recording({path});
  int batches = 0;
  EXPECT_THROW(recording.for_each_batch(
                   [&](const FrameBatch&) {
                     if (++batches == 3) throw std::runtime_error("stop");
                   },
                   10),
               std::runtime_error);
  EXPECT_EQ(batches, 3);
}
