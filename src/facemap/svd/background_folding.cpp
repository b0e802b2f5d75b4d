#include "background_folding.hpp"

#include <sys/resource.h>

#include <spdlog/spdlog.h>

namespace facemap::detail {
namespace {

// Linux gives each thread its own nice value: 19 lowers only the calling thread. Failing to
// lower it changes the speed, not the result, so it is only logged.
void lower_own_priority() {
  if (setpriority(PRIO_PROCESS, 0, 19) != 0) {
    spdlog::debug("SVD analysis: could not lower the priority of a Gram matrix thread");
  }
}

}  // namespace

BackgroundFolding::BackgroundFolding(std::vector<Decomposition>& decompositions,
                                     const LargeMatrix& frames)
    : frames_(frames) {
  for (Decomposition& decomposition : decompositions) {
    threads_.emplace_back([this, &decomposition] { fold(decomposition); });
  }
}

BackgroundFolding::~BackgroundFolding() {
  stop_threads();
}

void BackgroundFolding::publish(int ready) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    ready_ = ready;
  }
  published_.notify_all();
}

void BackgroundFolding::finish() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    finishing_ = true;
  }
  published_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  if (error_) std::rethrow_exception(error_);
}

void BackgroundFolding::stop_threads() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  published_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

void BackgroundFolding::fold(Decomposition& decomposition) {
  lower_own_priority();
  int folded = 0;
  try {
    while (true) {
      int ready = 0;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        published_.wait(lock, [&] { return stopping_ || finishing_ || ready_ > folded; });
        if (stopping_ || (ready_ == folded && finishing_)) return;
        ready = ready_;
      }
      for (ChunkAccumulator& chunk : decomposition.chunks) {
        chunk.add(frames_.view().middleCols(folded, ready - folded), folded);
      }
      folded = ready;
    }
  } catch (...) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::current_exception();
  }
}

}  // namespace facemap::detail
