#pragma once
// A blocking queue of bounded capacity between one producer thread and one consumer thread, with
// a way for each side to stop the other: the producer ends the queue (optionally with an
// error that the consumer rethrows), the consumer closes it (the producer's next push fails).
// The bound is what keeps a fast decoder from filling memory ahead of a slow consumer.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>

namespace facemap::detail {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}

  /// Producer: waits for room, then queues `item`. Returns false (dropping it) once the
  /// consumer has closed the queue.
  bool push(T item) {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    filled_.notify_one();
    return true;
  }

  /// Producer: no more items. A non-null `error` is rethrown by pop() after the queued items.
  void finish(std::exception_ptr error = nullptr) {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
    error_ = error;
    filled_.notify_one();
  }

  /// Consumer: waits for the next item. Returns false at the end; rethrows the producer's error.
  bool pop(T& item) {
    std::unique_lock<std::mutex> lock(mutex_);
    filled_.wait(lock, [&] { return finished_ || !items_.empty(); });
    if (items_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return false;
    }
    item = std::move(items_.front());
    items_.pop_front();
    room_.notify_one();
    return true;
  }

  /// Consumer: stops taking items; the producer's waiting or next push returns false.
  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    items_.clear();
    room_.notify_one();
  }

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable room_, filled_;
  std::deque<T> items_;
  bool finished_ = false, closed_ = false;
  std::exception_ptr error_;
};

}  // namespace facemap::detail
