// Valid videos are read, whatever their container does with time: Matroska and WebM files with
// a variable frame rate, an audio track longer than the video, a start offset, and VP9 at
// 29.97 fps, made here with the ffmpeg command line, go through the whole pipeline with their
// exact frame counts (the frame count once came from duration x fps and refused the first three
// as truncated). Files that really are truncated are still refused naming the file, and the
// files of one recording must share a frame rate.

#include <filesystem>

#include "dj/blob.hpp"
#include "pipeline/tasks.hpp"
#include "reliability/bad_input_pipeline.hpp"
#include "support/ffmpeg_video.hpp"
#include "support/log_capture.hpp"

namespace fs = std::filesystem;

namespace {

constexpr const char* kRecordingInfo = "facial_behavior_estimation.RecordingInfo";
constexpr const char* kProcessing = "facial_behavior_estimation.FacemapProcessing";
constexpr const char* kFacialSignal = "facial_behavior_estimation.FacialSignal";

// ffmpeg's test pattern, 64 x 64 pixels: input options for `seconds` of it at `rate`.
std::vector<std::string> pattern(const std::string& rate, double seconds) {
  return {"-f", "lavfi", "-i",
          "testsrc=size=64x64:rate=" + rate + ":duration=" + std::to_string(seconds)};
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<std::string> kH264 = {"-c:v", "libx264", "-pix_fmt", "yuv420p"};

/// A valid file and what RecordingInfo must say of it.
struct ValidVideo {
  std::string file;
  std::vector<std::string> ffmpeg_args;
  int nframes;
  double fps;
  double duration;
};

class VideoContainers : public fmtest::BadInputPipeline {
 protected:
  fs::path make(const std::string& relative, const std::vector<std::string>& args) {
    fmtest::run_ffmpeg(args, raw / relative);
    return raw / relative;
  }
  void add_trigger_task(const dj::Row& recording) {
    pipeline::ProcessingTask task;
    task.recording = recording;
    task.params.components = 5;
    task.params.movie_svd = false;
    pipeline::add_processing_task(*pipe, task);
  }
};

}  // namespace

TEST_F(VideoContainers, MatroskaAndWebmFilesAreReadWithTheirExactFrameCount) {
  // Frame n of the variable-rate file is shown at (n + n^2 / 60) / 30 s: 34 to 65 ms apart, 33
  // to 67 ms once Matroska rounded the times to the millisecond.
  const double last_vfr_frame = (29 + 29.0 * 29 / 60) / 30;
  const std::vector<ValidVideo> videos = {
      {"m1/s1/variable_rate.mkv",
       pattern("30", 1) +
           std::vector<std::string>{"-vf", "setpts='(N+N*N/60)/30/TB'", "-fps_mode",
                                    "passthrough"} +
           kH264,
       30, 30, last_vfr_frame + 1 / 30.0},
      {"m1/s1/long_audio.mkv",
       pattern("30", 1) +
           std::vector<std::string>{"-f", "lavfi", "-i", "sine=duration=3", "-c:a", "libvorbis"} +
           kH264,
       30, 30, 1},
      {"m1/s1/start_offset.mkv",
       pattern("30", 1) + std::vector<std::string>{"-output_ts_offset", "5"} + kH264, 30, 30, 1},
      {"m1/s1/ntsc_vp9.webm",
       pattern("30000/1001", 100 * 1.001 / 30) + std::vector<std::string>{"-c:v", "libvpx-vp9",
                                                                          "-deadline", "realtime",
                                                                          "-cpu-used", "8"},
       100, 30000.0 / 1001, 100 * 1.001 / 30},
  };
  std::vector<pipeline::RecordingEntry> entries;
  for (size_t i = 0; i < videos.size(); ++i) {
    make(videos[i].file, videos[i].ffmpeg_args);
    entries.push_back(entry(static_cast<int>(i), {videos[i].file}));
  }
  pipeline::ingest(*pipe, entries);
  for (const auto& e : entries) add_trigger_task(pipeline::recording_key(e));

  fmtest::LogCapture log;
  auto results = populate_all();
  for (const char* table : {kRecordingInfo, kProcessing, kFacialSignal}) {
    EXPECT_EQ(results[table].made, static_cast<long long>(videos.size())) << table;
    for (const auto& [key, message] : results[table].errors) ADD_FAILURE() << message;
  }
  for (size_t i = 0; i < videos.size(); ++i) {
    SCOPED_TRACE(videos[i].file);
    const dj::Row info =
        (pipe->table(kRecordingInfo) & pipeline::recording_key(entries[i])).fetch1();
    EXPECT_EQ(info.get<int>("nframes"), videos[i].nframes);
    EXPECT_NEAR(info.get<double>("fps"), videos[i].fps, 1e-4);  // stored as float
    // Matroska keeps times to the millisecond.
    EXPECT_NEAR(info.get<double>("recording_duration"), videos[i].duration, 0.002);
    EXPECT_EQ(info.get<int>("px_height"), 64);
    // The SVD decoded every counted frame: one motion value per frame.
    const auto region =
        (pipe->table(std::string(kFacialSignal) + ".Region") & pipeline::recording_key(entries[i]))
            .fetch1();
    EXPECT_EQ(dj::unpack_matrix<Eigen::VectorXf>(region, "motion").size(), videos[i].nframes);
  }
  // Only the variable-rate file is said to be one, with what is not kept of it.
  const std::string warnings = log.text();
  EXPECT_NE(warnings.find("variable_rate.mkv: variable frame rate (frames 33.0 to 67.0 ms apart)"),
            std::string::npos)
      << warnings;
  EXPECT_NE(warnings.find("their times are not kept"), std::string::npos) << warnings;
  for (const char* other :
       {"long_audio.mkv: variable", "start_offset.mkv: variable", "ntsc_vp9.webm: variable"}) {
    EXPECT_EQ(warnings.find(other), std::string::npos) << warnings;
  }
}

TEST_F(VideoContainers, TruncatedMatroskaAndWebmAreRefusedNamingTheFile) {
  write_video("m1/s1/good.avi");
  // In a folder of their own, so that their default output folder would be theirs alone.
  const std::vector<std::string> files = {"m1/s2/cut.mkv", "m1/s2/cut_with_audio.mkv",
                                          "m1/s2/cut.webm"};
  make(files[0], pattern("30", 4) + kH264);
  make(files[1],
       pattern("30", 4) +
           std::vector<std::string>{"-f", "lavfi", "-i", "sine=duration=4", "-c:a", "libvorbis"} +
           kH264);
  make(files[2], pattern("30", 4) + std::vector<std::string>{"-c:v", "libvpx-vp9", "-deadline",
                                                             "realtime", "-cpu-used", "8"});
  for (const auto& file : files) fs::resize_file(raw / file, fs::file_size(raw / file) * 6 / 10);

  std::vector<pipeline::RecordingEntry> entries = {entry(0, {"m1/s1/good.avi"})};
  for (size_t i = 0; i < files.size(); ++i)
    entries.push_back(entry(static_cast<int>(i) + 1, {files[i]}));
  pipeline::ingest(*pipe, entries);
  for (const auto& e : entries) add_trigger_task(pipeline::recording_key(e));
  auto results = populate_all();
  EXPECT_EQ(results[kRecordingInfo].made, 1);
  EXPECT_EQ(results[kRecordingInfo].errors.size(), files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    SCOPED_TRACE(files[i]);
    const dj::Row recording = pipeline::recording_key(entries[i + 1]);
    fmtest::expect_mentions(
        job_error(kRecordingInfo, recording),
        {(raw / files[i]).string(), "truncated or corrupt", "its container announces 4.0"});
    EXPECT_FALSE((pipe->table(kRecordingInfo) & recording).exists());
    EXPECT_FALSE((pipe->table(kProcessing) & recording).exists());
  }
  // Nothing of the refused recordings reached the output folder, not even the folder.
  EXPECT_FALSE(fs::exists(roots.processed_root() / "m1/s2"));
  EXPECT_TRUE(fs::exists(roots.processed_root() /
                         "m1/s1/facemap_m1_2024-05-06_07-08-09_recording0_task0/good_proc.npy"));
}

TEST_F(VideoContainers, FilesOfOneRecordingWithDifferentFrameRatesAreRefusedNamingBoth) {
  const fs::path first = make("m1/s1/part1.mkv", pattern("30", 1) + kH264);
  const fs::path second = make("m1/s1/part2.mkv", pattern("25", 1) + kH264);
  const auto recording = entry(0, {"m1/s1/part1.mkv", "m1/s1/part2.mkv"});
  pipeline::ingest(*pipe, {recording});
  auto results = populate_all();
  EXPECT_EQ(results[kRecordingInfo].made, 0);
  fmtest::expect_mentions(
      job_error(kRecordingInfo, pipeline::recording_key(recording)),
      {second.string() + ": plays at 25 fps, unlike " + first.string() + " at 30 fps"});
  EXPECT_EQ(pipe->table(kRecordingInfo).count(), 0);
}
