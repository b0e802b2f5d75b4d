// Peak memory of the SVD analysis (with pupil, blink and running) against recording length:
// 10k and 100k synthetic frames, each analysed in a child process whose peak resident size
// the kernel reports (target: no growth with length beyond the output traces). The memory
// budget is set low so that both lengths stream in chunks; a budget large enough to hold the
// binned frames would keep them in memory by design. Few components keep the output traces
// (frames x components) small beside the working memory.
// Prints "figure <name> <value> <unit>" lines.
//   bench_memory [frames...]   (default: 10000 100000)

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "facemap/svd/process.hpp"
#include "synth/synthetic_face.hpp"

namespace {

/// Runs the analysis of `frames` synthetic frames in a child; returns its peak RSS in MB and
/// its wall time.
std::pair<double, double> measure(int frames) {
  const auto start = std::chrono::steady_clock::now();
  std::fflush(stdout);  // the child must not print the parent's buffered lines again
  const pid_t pid = fork();
  if (pid == 0) {
    facemap::SynthParams synth;
    synth.height = 96;
    synth.width = 96;
    synth.nframes = frames;
    const facemap::SyntheticFace face(synth);
    facemap::SvdParams params;
    params.rois = face.rois().all();
    params.components = 10;
    params.memory_budget_bytes = 32u << 20;
    const auto result = facemap::process_frames(face, params);
    _exit(result.nframes == frames ? 0 : 1);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "bench_memory: the analysis of %d frames failed\n", frames);
    std::exit(1);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {static_cast<double>(usage.ru_maxrss) / 1024.0, seconds};  // ru_maxrss is in KiB
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> lengths;
  for (int i = 1; i < argc; ++i) lengths.push_back(std::stoi(argv[i]));
  if (lengths.empty()) lengths = {10000, 100000};
  std::vector<double> peaks;
  for (int frames : lengths) {
    const auto [peak, seconds] = measure(frames);
    peaks.push_back(peak);
    std::printf("figure svd_peak_rss_%dk_frames %.1f MB\n", frames / 1000, peak);
    std::printf("figure svd_time_%dk_frames %.1f s\n", frames / 1000, seconds);
  }
  if (peaks.size() >= 2) {
    std::printf("figure svd_peak_rss_growth_%dk_over_%dk %.2f x\n", lengths.back() / 1000,
                lengths.front() / 1000, peaks.back() / peaks.front());
  }
  return 0;
}
