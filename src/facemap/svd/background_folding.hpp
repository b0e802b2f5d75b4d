#pragma once
// The chunks' Gram matrices built while the recording is still being decoded, on background
// threads (one per decomposition) at the lowest CPU priority. Decoding is the critical path of
// the single decoding pass: with the folding at normal priority, the two compete for the cores
// and the decoder's own threads stall; at the lowest priority the folding takes the time the
// decoder leaves idle and catches up, on every core, once decoding ends.

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include <Eigen/Core>

#include "analysis_plan.hpp"
#include "facemap/svd/large_matrix.hpp"

namespace facemap::detail {

class BackgroundFolding {
 public:
  /// Starts the threads. `frames` (canvas pixels x recording frames) is filled by the caller,
  /// in order; the threads read a column only once publish() covered it.
  BackgroundFolding(std::vector<Decomposition>& decompositions, const LargeMatrix& frames);
  /// Stops the threads without waiting for the remaining work (the analysis failed).
  ~BackgroundFolding();
  BackgroundFolding(const BackgroundFolding&) = delete;
  BackgroundFolding& operator=(const BackgroundFolding&) = delete;

  /// Columns 0 .. `ready` - 1 of the frames are final.
  void publish(int ready);
  /// Waits until every published frame is folded; rethrows the first thread's error.
  void finish();

 private:
  void fold(Decomposition& decomposition);
  void stop_threads();

  const LargeMatrix& frames_;
  std::mutex mutex_;
  std::condition_variable published_;
  int ready_ = 0;
  bool finishing_ = false, stopping_ = false;
  std::exception_ptr error_;
  std::vector<std::thread> threads_;
};

}  // namespace facemap::detail
