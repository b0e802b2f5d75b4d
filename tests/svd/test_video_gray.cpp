// The engine decodes with libavcodec directly, yet its gray frames must be exactly OpenCV's
// (cv::VideoCapture, then cvtColor to gray), as Facemap reads videos: for H.264 in 4:2:0 YUV,
// which goes through the engine's conversion table, for a size the table does not take (odd),
// and for FFV1 gray, which takes OpenCV's own route.

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "facemap/video/video.hpp"
#include "support/test_database.hpp"

namespace fs = std::filesystem;

namespace {

// Every frame of `video` through the engine and through OpenCV: the number of frames compared,
// after checking that each pair is equal pixel for pixel.
int expect_frames_equal_opencvs(const fs::path& video) {
  const facemap::Recording recording({video});
  cv::VideoCapture capture(video.string(), cv::CAP_FFMPEG);
  EXPECT_TRUE(capture.isOpened());
  int compared = 0;
  recording.for_each_batch([&](const facemap::FrameBatch& batch) {
    for (const facemap::GrayFrame& frame : batch.views[0]) {
      cv::Mat decoded, gray;
      ASSERT_TRUE(capture.read(decoded)) << "OpenCV ends before frame " << compared;
      cv::cvtColor(decoded, gray, cv::COLOR_BGR2GRAY);
      const cv::Mat ours(static_cast<int>(frame.rows()), static_cast<int>(frame.cols()), CV_8UC1,
                         const_cast<std::uint8_t*>(frame.data()));
      ASSERT_EQ(ours.size(), gray.size());
      ASSERT_EQ(cv::countNonZero(ours != gray), 0) << "frame " << compared << " differs";
      ++compared;
    }
  });
  cv::Mat extra;
  EXPECT_FALSE(capture.read(extra)) << "OpenCV has frames after " << compared;
  return compared;
}

}  // namespace

TEST(VideoGray, H264FramesEqualOpenCVs) {
  EXPECT_EQ(
      expect_frames_equal_opencvs(fs::path(FMPIPE_TEST_DATA_DIR) / "svd/mouse_face_640x480.mp4"),
      749);
}

TEST(VideoGray, OddSizedFramesEqualOpenCVs) {
  // A 4:2:0 video of 61 x 47 pixels: the table needs even sizes, so this takes OpenCV's route.
  const fs::path video =
      fs::temp_directory_path() / ("fmpipe-odd-" + std::to_string(getpid()) + ".mp4");
  const fs::path source = fs::path(FMPIPE_TEST_DATA_DIR) / "svd/mouse_face_640x480.mp4";
  {
    cv::VideoCapture input(source.string(), cv::CAP_FFMPEG);
    cv::VideoWriter output(video.string(), cv::CAP_FFMPEG,
                           cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 25, cv::Size(61, 47));
    ASSERT_TRUE(output.isOpened());
    cv::Mat frame, small;
    for (int i = 0; i < 40 && input.read(frame); ++i) {
      cv::resize(frame(cv::Rect(200, 150, 122, 94)), small, cv::Size(61, 47));
      output.write(small);
    }
  }
  EXPECT_EQ(expect_frames_equal_opencvs(video), 40);
  fs::remove(video);
}

TEST(VideoGray, Ffv1GrayFramesEqualOpenCVs) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, "svd/synth_face.avi");
  EXPECT_EQ(expect_frames_equal_opencvs(path), 2450);
}
