// GCC 12 warns inside its own AVX-512 intrinsics when Eigen's float products are inlined
// (_mm512_undefined_ps is self-initialised on purpose): a false positive, silenced for this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <stdexcept>
#include <string>

#include "facemap/svd/svd.hpp"

namespace facemap {
namespace {

// Columns folded into the Gram matrix at a time: wide enough for an efficient matrix product.
constexpr Eigen::Index kGramBlockColumns = 64;

}  // namespace

ChunkAccumulator::ChunkAccumulator(FrameRange chunk, std::vector<int> pixels, SvdKind kind)
    : chunk_(chunk), pixels_(std::move(pixels)), kind_(kind), next_frame_(chunk.first) {
  if (chunk.count < 2) {
    throw std::invalid_argument("an SVD chunk needs at least 2 frames, not " +
                                std::to_string(chunk.count));
  }
}

void ChunkAccumulator::add(const Eigen::Ref<const Eigen::MatrixXf>& binned, int first_frame) {
  const int end = chunk_.first + chunk_.count;
  for (Eigen::Index i = 0; i < binned.cols(); ++i) {
    const int frame = first_frame + static_cast<int>(i);
    if (frame < next_frame_ || frame >= end) continue;
    if (frame != next_frame_) {
      throw std::logic_error("SVD chunk at frame " + std::to_string(chunk_.first) +
                             ": expected frame " + std::to_string(next_frame_) + ", got " +
                             std::to_string(frame));
    }
    if (columns_.empty()) {
      // Allocated on the first frame: accumulators of later chunks cost nothing until then.
      columns_ = LargeMatrix(static_cast<Eigen::Index>(pixels_.size()), chunk_.count - 1);
      gram_.resize(chunk_.count - 1, chunk_.count - 1);
    }
    // A region of the whole canvas (the full frame) is the column itself, without a gather.
    if (static_cast<Eigen::Index>(pixels_.size()) == binned.rows()) {
      take_column(binned.col(i), frame);
    } else {
      take_column(binned.col(i)(pixels_), frame);
    }
    ++next_frame_;
  }
  if (filled_ - in_gram_ >= kGramBlockColumns || next_frame_ == end) fold_into_gram();
}

template <class Region>
void ChunkAccumulator::take_column(const Region& region, int frame) {
  auto columns = columns_.view();
  if (kind_ == SvdKind::movie) {
    if (frame > chunk_.first) columns.col(filled_++) = region;
  } else {
    if (frame > chunk_.first) columns.col(filled_++) = (region - previous_frame_).cwiseAbs();
    previous_frame_ = region;
  }
}

void ChunkAccumulator::fold_into_gram() {
  const Eigen::Index start = in_gram_, count = filled_ - in_gram_;
  if (count == 0) return;
  auto columns = columns_.view();
  auto block = columns.middleCols(start, count);
  if (start == 0) provisional_mean_ = block.rowwise().mean();
  block.colwise() -= provisional_mean_;
  const Eigen::RowVectorXf column_means = block.colwise().mean();
  block.rowwise() -= column_means;
  gram_.block(start, 0, count, start).noalias() = block.transpose() * columns.leftCols(start);
  gram_.block(start, start, count, count).triangularView<Eigen::Lower>() =
      block.transpose() * block;
  in_gram_ = filled_;
}

CentredSvd ChunkAccumulator::finish(const MeanImages& means, int k, const SolverOptions& options) {
  if (next_frame_ != chunk_.first + chunk_.count) {
    throw std::logic_error("SVD chunk at frame " + std::to_string(chunk_.first) +
                           " is missing frame " + std::to_string(next_frame_));
  }
  fold_into_gram();
  // The columns were centred on the provisional mean; with the true mean they move by the
  // pixel-centred difference e, and the Gram matrix G0 of the provisional columns becomes
  // G = G0 - w 1^T - 1 w^T - |e|^2 1 1^T, where w = (columns - e 1^T)^T e.
  const Eigen::VectorXf& mean = kind_ == SvdKind::motion ? means.motion : means.frame;
  Eigen::VectorXf offset = mean(pixels_) - provisional_mean_;
  offset.array() -= offset.mean();
  auto columns = columns_.view();
  columns.colwise() -= offset;
  const Eigen::VectorXd w = (columns.transpose() * offset).cast<double>();
  const Eigen::MatrixXf provisional_gram = gram_.selfadjointView<Eigen::Lower>();
  Eigen::MatrixXd gram = provisional_gram.cast<double>();
  gram.colwise() -= w;
  gram.rowwise() -= w.transpose();
  gram.array() -= offset.cast<double>().squaredNorm();
  CentredSvd result = centred_svd_from_gram(columns, gram, k, options);
  columns_ = LargeMatrix();
  gram_ = Eigen::MatrixXf();
  return result;
}

}  // namespace facemap
