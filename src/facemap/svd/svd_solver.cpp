// GCC 12 warns inside its own AVX-512 intrinsics when Eigen's matrix products are inlined
// (_mm512_undefined_ps is self-initialised on purpose): a false positive, silenced for this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "facemap/svd/svd_solver.hpp"

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>

#include "facemap/svd/large_matrix.hpp"

namespace facemap {
namespace {

using Eigen::Index;

// A singular value this small relative to the largest is rounding noise: the data has lower rank.
constexpr float kNegligibleSingularValue = 1e-6f;

// factor * factor^T, built in single precision with a symmetric rank update (half the work of a
// product) and returned in double precision for the eigen-decomposition.
template <class Factor>
Eigen::MatrixXd gram_matrix(const Factor& factor) {
  Eigen::MatrixXf gram = Eigen::MatrixXf::Zero(factor.rows(), factor.rows());
  gram.selfadjointView<Eigen::Lower>().rankUpdate(factor);
  Eigen::MatrixXf full = gram.selfadjointView<Eigen::Lower>();
  return full.cast<double>();
}

Eigen::MatrixXf orthonormal_basis(const Eigen::MatrixXf& columns) {
  const Eigen::HouseholderQR<Eigen::MatrixXf> qr(columns);
  return qr.householderQ() * Eigen::MatrixXf::Identity(columns.rows(), columns.cols());
}

// The k leading eigenvectors of a symmetric positive semi-definite matrix: a randomized range
// finder with power iterations, then an exact eigen-decomposition of the matrix restricted to
// that range. When the range would be the whole space, the matrix is decomposed directly.
// The iterations only shape the range and run in single precision, as fast again as double
// and as precise as the single-precision Gram matrix; the final restriction is in double.
// Returns the eigenvectors as columns, largest eigenvalue first.
Eigen::MatrixXd leading_eigenvectors(const Eigen::MatrixXd& gram, Index k,
                                     const SolverOptions& options) {
  const Index n = gram.rows();
  const Index range = std::min<Index>(n, k + std::max(0, options.oversampling));
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver;
  if (range == n) {
    solver.compute(gram);
    // Eigen sorts eigenvalues in increasing order: the leading ones are the last columns.
    return solver.eigenvectors().rightCols(k).rowwise().reverse();
  }
  std::mt19937 generator(options.seed);
  std::normal_distribution<float> normal;
  Eigen::MatrixXf test(n, range);
  for (Index j = 0; j < range; ++j) {
    for (Index i = 0; i < n; ++i) test(i, j) = normal(generator);
  }
  const Eigen::MatrixXf single_gram = gram.cast<float>();
  Eigen::MatrixXf basis = orthonormal_basis(single_gram * test);
  for (int i = 0; i < options.power_iterations; ++i) {
    basis = orthonormal_basis(single_gram * basis);
  }
  const Eigen::MatrixXd range_basis = basis.cast<double>();
  solver.compute(range_basis.transpose() * gram * range_basis);
  return range_basis * solver.eigenvectors().rightCols(k).rowwise().reverse();
}

// Whether a component should be flipped: its largest-magnitude entry (the first of several equal
// ones) is negative. See orient_components().
bool points_negative(const Eigen::Ref<const Eigen::VectorXf>& vector) {
  Index largest = 0;
  vector.cwiseAbs().maxCoeff(&largest);
  return vector.size() > 0 && vector[largest] < 0;
}

// How normalised components come from vectors scaled by their singular values: output column j
// is input column source[j] times factor[j] (signed 1 / its norm; zero for a numerically zero
// component). Kept apart from the data so that the same map also turns the coefficients of the
// scaled vectors into those of the unit vectors.
struct ColumnMap {
  std::vector<Index> source;
  Eigen::VectorXf factor;
};

template <class Matrix>
Matrix mapped_columns(const ColumnMap& map, const Matrix& input) {
  Matrix output(input.rows(), static_cast<Index>(map.source.size()));
  for (Index j = 0; j < output.cols(); ++j) {
    output.col(j) = input.col(map.source[j]) * static_cast<typename Matrix::Scalar>(map.factor[j]);
  }
  return output;
}

struct Normalised {
  CentredSvd svd;
  ColumnMap map;
};

// From vectors scaled by their singular values (columns of data * v): unit vectors and values,
// sorted, oriented, with numerically zero components set to zero; and the map that did it.
// Taken by value: when the columns are already in order (vectors from a sorted
// eigen-decomposition), they are scaled where they are instead of copied into a new matrix of
// pixels x components.
Normalised normalise(Eigen::MatrixXf scaled) {
  const Eigen::VectorXf norms = scaled.colwise().norm();
  Normalised result;
  ColumnMap& map = result.map;
  map.source.resize(norms.size());
  std::iota(map.source.begin(), map.source.end(), Index{0});
  std::stable_sort(map.source.begin(), map.source.end(),
                   [&](Index a, Index b) { return norms[a] > norms[b]; });
  const float largest = norms.size() > 0 ? norms[map.source.front()] : 0.f;
  map.factor.resize(norms.size());
  result.svd.values.resize(norms.size());
  for (Index j = 0; j < norms.size(); ++j) {
    const float value = norms[map.source[j]];
    const bool kept = value > kNegligibleSingularValue * largest;
    result.svd.values[j] = kept ? value : 0.f;
    map.factor[j] = kept ? 1.f / value : 0.f;
  }
  const bool in_order = std::is_sorted(map.source.begin(), map.source.end());
  if (in_order) {
    scaled *= map.factor.asDiagonal();
    result.svd.vectors = std::move(scaled);
  } else {
    result.svd.vectors = mapped_columns(map, scaled);
  }
  for (Index j = 0; j < result.svd.vectors.cols(); ++j) {
    if (!points_negative(result.svd.vectors.col(j))) continue;
    result.svd.vectors.col(j) = -result.svd.vectors.col(j);
    map.factor[j] = -map.factor[j];
  }
  return result;
}

}  // namespace

CentredSvd centred_svd(Eigen::MatrixXf data, int k, const SolverOptions& options) {
  const Index wanted = std::min<Index>(k, std::min(data.rows(), data.cols()));
  if (wanted <= 0) return {Eigen::MatrixXf(data.rows(), 0), Eigen::VectorXf(0), {}};
  data.rowwise() -= data.colwise().mean();
  if (data.cols() <= data.rows()) {
    return centred_svd_from_gram(data, gram_matrix(data.transpose()), k, options);
  }
  // Fewer pixels than columns: left singular vectors directly from the pixels x pixels Gram
  // matrix, each scaled by its value measured on the data, |data^T u|.
  const Eigen::MatrixXf vectors =
      leading_eigenvectors(gram_matrix(data), wanted, options).cast<float>();
  const Eigen::VectorXf values = (data.transpose() * vectors).colwise().norm().transpose();
  return normalise(vectors * values.asDiagonal()).svd;
}

CentredSvd centred_svd_from_gram(const Eigen::Ref<const Eigen::MatrixXf>& centred,
                                 const Eigen::MatrixXd& gram, int k, const SolverOptions& options) {
  const Index wanted = std::min<Index>(k, std::min(centred.rows(), centred.cols()));
  if (wanted <= 0) return {Eigen::MatrixXf(centred.rows(), 0), Eigen::VectorXf(0), {}};
  // Right singular vectors from the Gram matrix; centred * v = u * s.
  const Eigen::MatrixXd right = leading_eigenvectors(gram, wanted, options);
  Eigen::MatrixXf scaled(centred.rows(), wanted);
  advise_huge_pages(scaled.data(), sizeof(float) * std::size_t(scaled.size()));
  scaled.noalias() = centred * right.cast<float>();
  Normalised result = normalise(std::move(scaled));
  // vectors = centred * (right, mapped), so centred^T * vectors = gram * (right, mapped).
  result.svd.column_projections = (gram * mapped_columns(result.map, right)).cast<float>();
  return std::move(result.svd);
}

void orient_components(Eigen::MatrixXf& vectors) {
  for (Index j = 0; j < vectors.cols(); ++j) {
    if (points_negative(vectors.col(j))) vectors.col(j) = -vectors.col(j);
  }
}

ChunkedSvd::ChunkedSvd(int components, SolverOptions options)
    : components_(components), options_(options) {
  if (components < 1) throw std::invalid_argument("a chunked SVD needs at least one component");
}

void ChunkedSvd::add_chunk(CentredSvd chunk) {
  if (chunks_ > 0 && chunk.vectors.rows() != pixels_) {
    throw std::invalid_argument("chunk of " + std::to_string(chunk.vectors.rows()) +
                                " pixels, earlier chunks had " + std::to_string(pixels_));
  }
  pixels_ = chunk.vectors.rows();
  ++chunks_;
  columns_ += chunk.vectors.cols();
  if (chunks_ == 1) {
    first_ = std::move(chunk);
    return;
  }
  if (merge_input_.empty()) append_scaled(first_);
  append_scaled(chunk);
}

void ChunkedSvd::append_scaled(const CentredSvd& chunk) const {
  const Eigen::MatrixXf scaled = chunk.vectors * chunk.values.asDiagonal();
  merge_input_.insert(merge_input_.end(), scaled.data(), scaled.data() + scaled.size());
}

Eigen::Map<const Eigen::MatrixXf> ChunkedSvd::merge_input() const {
  if (chunks_ == 1 && merge_input_.empty()) append_scaled(first_);
  return {merge_input_.data(), pixels_, columns_};
}

CentredSvd ChunkedSvd::single_chunk_merge(CentredSvd chunk) const {
  // One chunk's U * S has orthogonal, centred columns: its SVD is U and S themselves, which the
  // chunk holds already normalised, sorted and oriented (a decomposition of U * S would return
  // them with its rounding), and so are its columns' projections.
  const Index kept = std::min<Index>(std::min<Index>(components_, pixels_ - 1), columns_);
  if (chunk.vectors.cols() > kept) {
    chunk.vectors.conservativeResize(Eigen::NoChange, kept);
    chunk.values.conservativeResize(kept);
    if (chunk.column_projections.size() > 0)
      chunk.column_projections.conservativeResize(Eigen::NoChange, kept);
  }
  return chunk;
}

CentredSvd ChunkedSvd::merge() const& {
  if (chunks_ == 1) return single_chunk_merge(first_);
  return merge_chunks();
}

CentredSvd ChunkedSvd::merge() && {
  if (chunks_ == 1) return single_chunk_merge(std::move(first_));
  return merge_chunks();
}

CentredSvd ChunkedSvd::merge_chunks() const {
  const Index wanted = std::min<Index>(components_, pixels_ - 1);
  CentredSvd merged =
      centred_svd(Eigen::MatrixXf(merge_input()), static_cast<int>(wanted), options_);
  merged.column_projections = Eigen::MatrixXf();  // those of U * S, not of any frame
  return merged;
}

}  // namespace facemap
