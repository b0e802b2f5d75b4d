// GCC 12 warns inside its own AVX-512 intrinsics when Eigen's matrix products are inlined
// (_mm512_undefined_ps is self-initialised on purpose): a false positive, silenced for this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "facemap/svd_solver.hpp"

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>

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

// From vectors scaled by their singular values (columns of data * v): unit vectors and values,
// sorted, oriented, with numerically zero components set to zero.
CentredSvd normalise(Eigen::MatrixXf scaled) {
  const Eigen::VectorXf norms = scaled.colwise().norm();
  std::vector<Index> order(norms.size());
  std::iota(order.begin(), order.end(), Index{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](Index a, Index b) { return norms[a] > norms[b]; });
  const float largest = norms.size() > 0 ? norms[order.front()] : 0.f;
  CentredSvd result{Eigen::MatrixXf(scaled.rows(), scaled.cols()), Eigen::VectorXf(scaled.cols())};
  for (Index j = 0; j < scaled.cols(); ++j) {
    const float value = norms[order[j]];
    if (value > kNegligibleSingularValue * largest) {
      result.vectors.col(j) = scaled.col(order[j]) / value;
      result.values[j] = value;
    } else {
      result.vectors.col(j).setZero();
      result.values[j] = 0.f;
    }
  }
  orient_components(result.vectors);
  return result;
}

}  // namespace

CentredSvd centred_svd(Eigen::MatrixXf data, int k, const SolverOptions& options) {
  const Index wanted = std::min<Index>(k, std::min(data.rows(), data.cols()));
  if (wanted <= 0) return {Eigen::MatrixXf(data.rows(), 0), Eigen::VectorXf(0)};
  data.rowwise() -= data.colwise().mean();
  if (data.cols() <= data.rows()) {
    return centred_svd_from_gram(data, gram_matrix(data.transpose()), k, options);
  }
  // Fewer pixels than columns: left singular vectors directly from the pixels x pixels Gram
  // matrix, each scaled by its value measured on the data, |data^T u|.
  const Eigen::MatrixXf vectors =
      leading_eigenvectors(gram_matrix(data), wanted, options).cast<float>();
  const Eigen::VectorXf values = (data.transpose() * vectors).colwise().norm().transpose();
  return normalise(vectors * values.asDiagonal());
}

CentredSvd centred_svd_from_gram(const Eigen::MatrixXf& centred, const Eigen::MatrixXd& gram, int k,
                                 const SolverOptions& options) {
  const Index wanted = std::min<Index>(k, std::min(centred.rows(), centred.cols()));
  if (wanted <= 0) return {Eigen::MatrixXf(centred.rows(), 0), Eigen::VectorXf(0)};
  // Right singular vectors from the Gram matrix; centred * v = u * s.
  const Eigen::MatrixXd right = leading_eigenvectors(gram, wanted, options);
  return normalise(centred * right.cast<float>());
}

void orient_components(Eigen::MatrixXf& vectors) {
  for (Index j = 0; j < vectors.cols(); ++j) {
    Index largest = 0;
    vectors.col(j).cwiseAbs().maxCoeff(&largest);
    if (vectors(largest, j) < 0) vectors.col(j) = -vectors.col(j);
  }
}

ChunkedSvd::ChunkedSvd(int components, SolverOptions options)
    : components_(components), options_(options) {
  if (components < 1) throw std::invalid_argument("a chunked SVD needs at least one component");
}

void ChunkedSvd::add_chunk(const CentredSvd& chunk) {
  if (columns_ > 0 && chunk.vectors.rows() != pixels_) {
    throw std::invalid_argument("chunk of " + std::to_string(chunk.vectors.rows()) +
                                " pixels, earlier chunks had " + std::to_string(pixels_));
  }
  pixels_ = chunk.vectors.rows();
  ++chunks_;
  const Eigen::MatrixXf scaled = chunk.vectors * chunk.values.asDiagonal();
  merge_input_.insert(merge_input_.end(), scaled.data(), scaled.data() + scaled.size());
  columns_ += scaled.cols();
}

Eigen::Map<const Eigen::MatrixXf> ChunkedSvd::merge_input() const {
  return {merge_input_.data(), pixels_, columns_};
}

CentredSvd ChunkedSvd::merge() const {
  const Index wanted = std::min<Index>(components_, pixels_ - 1);
  if (chunks_ == 1) {
    // One chunk's U * S has orthogonal, centred columns: its SVD is U and S themselves, read off
    // as the columns' directions and norms (what a decomposition would return, without its
    // rounding).
    return normalise(merge_input().leftCols(std::min(wanted, columns_)));
  }
  return centred_svd(Eigen::MatrixXf(merge_input()), static_cast<int>(wanted), options_);
}

}  // namespace facemap
