#pragma once
// Timing shared by the benchmarks (header-only: each bench_<name>.cpp is its own executable).

#include <algorithm>
#include <chrono>
#include <functional>

namespace fmbench {

/// The fastest of `runs` runs of `work`, in seconds: the least disturbed by other load.
inline double best_seconds(const std::function<void()>& work, int runs = 3) {
  double best = 1e30;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    work();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count());
  }
  return best;
}

}  // namespace fmbench
