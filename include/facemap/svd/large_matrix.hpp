#pragma once
// Storage for the analysis' largest matrices (a recording's binned frames, a chunk's columns:
// tens to hundreds of megabytes, written once and then read). Each is its own allocation aligned
// to 2 MiB and offered to the kernel's transparent huge pages (madvise), so that writing it
// takes one page fault per 2 MiB instead of one per 4 KiB; an analysis otherwise spends a
// fifth of its time in the kernel faulting in fresh pages. Where huge pages are unavailable
// the memory is ordinary. Nothing is done to the process's allocator.

#include <cstddef>
#include <memory>

#include <Eigen/Core>

namespace facemap {

/// Offers the whole 2 MiB pages inside [data, data + bytes) to transparent huge pages. For a large
/// matrix just allocated (untouched memory of its own): its first writes then fault in 2 MiB at
/// a time. Advice only; harmless for memory already in use.
void advise_huge_pages(void* data, std::size_t bytes);

/// A column-major float matrix in its own huge-page-friendly allocation. Its size is fixed when
/// made; the contents start undefined. Movable, not copyable.
class LargeMatrix {
 public:
  LargeMatrix() = default;
  /// Throws std::bad_alloc when the memory cannot be had.
  LargeMatrix(Eigen::Index rows, Eigen::Index cols);

  Eigen::Map<Eigen::MatrixXf, Eigen::Aligned64> view() { return {data_.get(), rows_, cols_}; }
  Eigen::Map<const Eigen::MatrixXf, Eigen::Aligned64> view() const {
    return {data_.get(), rows_, cols_};
  }
  Eigen::Index rows() const { return rows_; }
  Eigen::Index cols() const { return cols_; }
  bool empty() const { return rows_ * cols_ == 0; }

 private:
  struct Free {
    void operator()(float* data) const;
  };
  std::unique_ptr<float, Free> data_;
  Eigen::Index rows_ = 0, cols_ = 0;
};

}  // namespace facemap
