// Scale: a long synthetic recording processed through the whole pipeline by an fmpipe worker
// (RecordingInfo, the SVD with pupil, blink and running, FacialSignal's insert), within a
// memory bound on the worker's peak resident size (getrusage of the child process). The short
// variant (5k frames) runs with the suite; the long one (100k frames) only with
// FMPIPE_LONG_TESTS=1, since writing and analysing the video takes minutes.

#include <chrono>
#include <cstdio>

#include <gtest/gtest.h>

#include "dj/blob.hpp"
#include "support/child_process.hpp"
#include "support/long_tests.hpp"
#include "support/synthetic_recordings.hpp"

namespace {

using namespace std::chrono_literals;

constexpr double kPeakRssBoundMb = 400;
constexpr int kComponents = 10;

class Scale : public fmtest::SyntheticPipelineTest {
 protected:
  /// Processes a recording of `frames` frames with a worker process; checks the results and
  /// the memory bound, and prints the figures.
  void process(int frames) {
    facemap::SynthParams synth;
    synth.height = 64;
    synth.width = 64;
    synth.nframes = frames;
    const auto written = std::chrono::steady_clock::now();
    recordings->add(0, synth, kComponents);
    const double write_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - written).count();

    auto worker = fmtest::ChildProcess::fmpipe({"worker"}, recordings->environment());
    const auto exit = worker.wait(590s);
    ASSERT_EQ(exit.code, 0) << worker.output();
    EXPECT_NE(worker.output().find("worker: 3 made, 0 errors"), std::string::npos)
        << worker.output();
    const auto info = recordings->pipe.table(fmtest::kRecordingInfo).fetch1();
    EXPECT_EQ(info.get<int>("nframes"), frames);
    const auto components = recordings->pipe.table(fmtest::kFacialSignal + ".MotionSVD").fetch();
    ASSERT_EQ(components.size(), static_cast<size_t>(kComponents));
    EXPECT_EQ(dj::unpack_vector<float>(components.front(), "projection").size(),
              static_cast<size_t>(frames));
    const auto pupil = recordings->pipe.table(fmtest::kFacialSignal + ".Pupil").fetch1();
    EXPECT_EQ(dj::unpack_vector<double>(pupil, "area").size(), static_cast<size_t>(frames));
    EXPECT_LT(exit.peak_rss_mb, kPeakRssBoundMb);

    const int thousands = frames / 1000;
    std::printf("figure scale_worker_peak_rss_%dk_frames %.1f MB\n", thousands, exit.peak_rss_mb);
    std::printf("figure scale_worker_time_%dk_frames %.1f s\n", thousands, exit.seconds);
    std::printf("figure scale_video_write_time_%dk_frames %.1f s\n", thousands, write_seconds);
  }
};

}  // namespace

TEST_F(Scale, FiveThousandFramesWithinTheMemoryBound) {
  process(5000);
}

TEST_F(Scale, HundredThousandFramesWithinTheMemoryBound) {
  if (!fmtest::long_tests_enabled()) GTEST_SKIP() << fmtest::long_test_hint("HundredThousand");
  process(100000);
}
