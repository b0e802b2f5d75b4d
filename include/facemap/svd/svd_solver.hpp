#pragma once
// The decompositions behind Facemap's motion and movie SVD: a centred, truncated SVD of a
// pixels x time matrix (Facemap's "PCA" of each chunk), and the chunked scheme that decomposes
// chunks of a recording separately and merges them.
//
// Facemap centres each time column over the pixels (scikit-learn's PCA with pixels as samples)
// and keeps the left singular vectors. We do the same. The time dimension of a chunk is at most
// 999 columns, so the solver works on the small Gram matrix of the data (time x time, or
// pixels x pixels when there are fewer pixels): one pass over the data builds it, and a
// randomized range finder with power iterations then costs almost nothing, whereas iterating on
// the data itself would read it 2 * (power iterations + 1) times. The singular values are then
// measured on the data itself (the norm of data * v), not taken from the squared Gram spectrum.
//
// Accuracy: the Gram matrix is built in single precision, so the relative error of a singular
// value grows like 1e-7 (s_1 / s_i)^2: below 1e-3 down to 1% of the largest value, about 1% at
// 0.2%. Only the faint tail of 500 components is affected; on the fixture video the 500th value
// differs from Facemap's by 1%, the leading ones by less than 1e-5.

#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace facemap {

/// Settings of the randomized solver.
struct SolverOptions {
  int oversampling = 10;  ///< extra random directions beyond the components wanted
  /// Subspace iterations on the Gram matrix G = A^T A after the first product G * random: the
  /// range is that of G^4 * random, the powers of scikit-learn's 4 iterations (Facemap's solver).
  int power_iterations = 3;
  std::uint32_t seed = 0;  ///< seed of the random test matrix (results are deterministic)
};

/// Left singular vectors and singular values, largest first.
struct CentredSvd {
  Eigen::MatrixXf vectors;  ///< rows x k, unit-norm orthogonal columns
  Eigen::VectorXf values;   ///< k, descending
  /// The decomposed columns projected onto the vectors (cols x k, centred columns^T * vectors)
  /// when they came free with the decomposition (from its Gram matrix); empty otherwise.
  Eigen::MatrixXf column_projections;
};

/// The `k` leading left singular vectors and values of `data` after subtracting from each column
/// its mean. `k` is capped at min(rows, cols). Components whose singular value is numerically
/// zero (data of lower rank) get a zero vector and value. Signs follow orient_components().
CentredSvd centred_svd(Eigen::MatrixXf data, int k, const SolverOptions& options = {});

/// centred_svd() for data whose columns are already centred, with their Gram matrix
/// (cols x cols, `centred`^T `centred`) computed elsewhere, e.g. incrementally while decoding.
/// Also fills column_projections: with vectors = centred * C, they are gram * C, a product of
/// small matrices instead of one over every pixel.
CentredSvd centred_svd_from_gram(const Eigen::Ref<const Eigen::MatrixXf>& centred,
                                 const Eigen::MatrixXd& gram, int k,
                                 const SolverOptions& options = {});

/// Flips each column so that its largest-magnitude entry is positive (the first such entry when
/// several share the largest magnitude): an SVD fixes vectors only up to sign, this makes the
/// masks and the signs of their projections reproducible.
void orient_components(Eigen::MatrixXf& vectors);

/// Facemap's chunked decomposition of one region: every chunk of the recording is decomposed
/// on its own (svd.hpp's ChunkAccumulator), keeping vectors times values (U * S); the merge
/// decomposes all chunks' U * S side by side. The merge always runs, also for a single chunk, so
/// the masks are unit-norm and the singular values are those of the merged matrix.
class ChunkedSvd {
 public:
  /// Keeps at most `components` after the merge.
  explicit ChunkedSvd(int components, SolverOptions options = {});

  /// Keeps one chunk's U * S. Every chunk must have the same number of pixels.
  void add_chunk(CentredSvd chunk);
  /// The chunks' U * S side by side: pixels x (kept components of all chunks).
  Eigen::Map<const Eigen::MatrixXf> merge_input() const;
  /// Centred SVD of merge_input(), keeping min(components, pixels - 1) components. With a single
  /// chunk that brought column_projections, the merge has them too (the chunk's columns onto the
  /// merged vectors); with several chunks they would need the Gram matrix across chunks.
  /// On an rvalue (std::move(chunked).merge()) a single chunk's result is handed over rather
  /// than copied.
  CentredSvd merge() const&;
  CentredSvd merge() &&;

 private:
  void append_scaled(const CentredSvd& chunk) const;
  CentredSvd single_chunk_merge(CentredSvd chunk) const;
  CentredSvd merge_chunks() const;

  int components_;
  SolverOptions options_;
  Eigen::Index pixels_ = 0, columns_ = 0;
  int chunks_ = 0;
  CentredSvd first_;  ///< the first chunk as it came
  /// Column-major U * S of every chunk, built from the second chunk on (or when asked for), since
  /// a single chunk's merge needs none of it.
  mutable std::vector<float> merge_input_;
};

}  // namespace facemap
