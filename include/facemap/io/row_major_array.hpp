#pragma once
// A numpy-style n-dimensional numeric array: the common currency of the file readers and writers
// (.npy, pickled numpy arrays, Facemap's proc file, torch storages). It holds raw elements in
// C (row-major) order and in this machine's byte order; the readers convert Fortran order and
// foreign byte orders on the way in, so every consumer can rely on one layout.
//
// The name says what sets it apart from the relational core's dj::ColumnMajorArray (a blob's
// array, elements in column-major order, as std::byte): the two hold the same logical arrays, and
// pipeline/array_conversion.hpp converts between them.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

namespace facemap {

/// A numeric element type, as numpy names it: a kind letter and a size in bytes.
struct DType {
  /// numpy's kind letters: b bool, i signed integer, u unsigned integer, f float, c complex.
  enum class Kind : char {
    boolean = 'b',
    signed_int = 'i',
    unsigned_int = 'u',
    floating = 'f',
    complex = 'c'
  };
  Kind kind = Kind::floating;
  int itemsize = 4;  ///< bytes per element

  /// The dtype whose elements are C++ type T (bool, (u)int8..64, float, double).
  template <class T>
  static DType of();
  /// numpy's type string without byte order, e.g. "f4", "b1", "i8".
  std::string name() const;
  /// numpy's descr in this machine's byte order, e.g. "<f4" ("|" for one-byte types).
  std::string descr() const;
  bool operator==(const DType& other) const {
    return kind == other.kind && itemsize == other.itemsize;
  }
  bool operator!=(const DType& other) const { return !(*this == other); }
};

/// A dtype as a file stores it: the element type and whether its bytes are big-endian.
struct StoredDType {
  DType dtype;
  bool big_endian = false;

  /// Parses a numpy descr such as "<f4", ">i8", "|b1", "=u2" or "f8" (no prefix: this machine's
  /// order). Throws std::invalid_argument naming the descr for anything that is not one of the
  /// supported numeric types (b1, i1-i8, u1-u8, f2, f4, f8, c8, c16).
  static StoredDType parse(std::string_view descr);
};

/// An n-dimensional numeric array in C order and this machine's byte order.
class RowMajorArray {
 public:
  using Shape = std::vector<std::int64_t>;

  /// An empty float32 array of shape (0,).
  RowMajorArray();
  /// A zero-filled array.
  RowMajorArray(DType dtype, Shape shape);
  /// Takes ownership of `bytes`, which must hold product(shape) elements in C order and this
  /// machine's byte order (std::invalid_argument otherwise).
  RowMajorArray(DType dtype, Shape shape, std::vector<std::uint8_t> bytes);

  /// Builds an array from bytes as a file stores them: swaps the byte order when needed and
  /// reorders Fortran-order data into C order. `raw` must hold exactly product(shape) elements.
  static RowMajorArray from_stored(const StoredDType& stored, Shape shape, bool fortran_order,
                             std::string_view raw);

  /// Copies `values` (product(shape) of them, C order) into a new array of T's dtype.
  template <class T>
  static RowMajorArray from_values(Shape shape, const std::vector<T>& values);

  /// Copies an Eigen matrix or array in row-major order. `shape` defaults to (size) for
  /// compile-time vectors (VectorXf, RowVectorXd, ...) and to (rows, cols) otherwise, as numpy
  /// shapes the same logical matrix; any shape with the same number of elements may be given,
  /// e.g. {ly, lx, ncomp} for a (ly * lx) x ncomp matrix of masks.
  template <class Derived>
  static RowMajorArray from_eigen(const Eigen::DenseBase<Derived>& matrix, Shape shape = {});

  const DType& dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  std::size_t ndim() const { return shape_.size(); }
  /// Number of elements (1 for a 0-d array).
  std::int64_t size() const;
  /// The raw elements, C order, this machine's byte order.
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

  /// The elements in C order, converted to T (any real dtype to any of bool, uint8, int32,
  /// int64, float, double, as numpy's astype would; complex arrays throw).
  template <class T>
  std::vector<T> values() const;

  /// The elements as a rows x cols matrix filled in C order (rows * cols must equal size()),
  /// e.g. masks (ly, lx, ncomp) as (ly * lx) x ncomp or axdir (T, 2, 2) as T x 4.
  template <class T>
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> reshaped_matrix(std::int64_t rows,
                                                                   std::int64_t cols) const;
  /// A 2-d array as rows x cols, a 1-d array as a column; other ranks throw.
  template <class T>
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> matrix() const;

  /// "(2, 3) float32"-style summary for error messages.
  std::string describe() const;

  bool operator==(const RowMajorArray& other) const {
    return dtype_ == other.dtype_ && shape_ == other.shape_ && bytes_ == other.bytes_;
  }

 private:
  DType dtype_;
  Shape shape_;
  std::vector<std::uint8_t> bytes_;
};

/// The number of elements of `shape` (1 for the empty shape); throws on negative extents.
std::int64_t element_count(const RowMajorArray::Shape& shape);

/// "(2, 3)"-style text of a shape, as Python prints a tuple.
std::string shape_text(const RowMajorArray::Shape& shape);

template <class T>
DType DType::of() {
  if constexpr (std::is_same_v<T, bool>) {
    return {Kind::boolean, 1};
  } else if constexpr (std::is_integral_v<T>) {
    return {std::is_signed_v<T> ? Kind::signed_int : Kind::unsigned_int, int(sizeof(T))};
  } else {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "not a numpy dtype");
    return {Kind::floating, int(sizeof(T))};
  }
}

template <class Derived>
RowMajorArray RowMajorArray::from_eigen(const Eigen::DenseBase<Derived>& matrix, Shape shape) {
  using Scalar = typename Derived::Scalar;
  if (shape.empty())
    shape = Derived::IsVectorAtCompileTime ? Shape{matrix.size()} : Shape{matrix.rows(), matrix.cols()};
  const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major =
      matrix.derived();
  return from_values<Scalar>(
      std::move(shape), std::vector<Scalar>(row_major.data(), row_major.data() + row_major.size()));
}

template <class T>
Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> RowMajorArray::reshaped_matrix(std::int64_t rows,
                                                                          std::int64_t cols) const {
  if (rows * cols != size())
    throw std::invalid_argument("cannot view a " + describe() + " array as " +
                                std::to_string(rows) + " x " + std::to_string(cols));
  const std::vector<T> elements = values<T>();
  // An element loop rather than Eigen::Map because std::vector<bool> has no data().
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> matrix(rows, cols);
  for (std::int64_t row = 0; row < rows; ++row)
    for (std::int64_t col = 0; col < cols; ++col) matrix(row, col) = elements[row * cols + col];
  return matrix;
}

template <class T>
Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> RowMajorArray::matrix() const {
  if (ndim() == 1) return reshaped_matrix<T>(shape_[0], 1);
  if (ndim() == 2) return reshaped_matrix<T>(shape_[0], shape_[1]);
  throw std::invalid_argument("expected a 1-d or 2-d array, got " + describe());
}

}  // namespace facemap
