#include "facemap/svd/large_matrix.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace facemap {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

}  // namespace

LargeMatrix::LargeMatrix(Eigen::Index rows, Eigen::Index cols) : rows_(rows), cols_(cols) {
  const std::size_t bytes = std::size_t(rows) * std::size_t(cols) * sizeof(float);
  if (bytes == 0) return;
  // aligned_alloc wants a multiple of the alignment; the padding is at most one huge page.
  const std::size_t padded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* memory = std::aligned_alloc(kHugePage, padded);
  if (memory == nullptr) throw std::bad_alloc();
  // Advice only: refused (no THP in this kernel), it leaves ordinary pages.
  madvise(memory, padded, MADV_HUGEPAGE);
  data_.reset(static_cast<float*>(memory));
}

void advise_huge_pages(void* data, std::size_t bytes) {
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kHugePage - 1) / kHugePage * kHugePage;
  const std::uintptr_t last = (begin + bytes) / kHugePage * kHugePage;
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

void LargeMatrix::Free::operator()(float* data) const {
  std::free(data);
}

}  // namespace facemap
