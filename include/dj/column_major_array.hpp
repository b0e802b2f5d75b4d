#pragma once
// An n-dimensional numeric, logical, char or datetime64 array as DataJoint blobs hold it: a numpy
// dtype, the logical shape, and the elements in column-major (Fortran) order, which is the blob
// wire order, so packing and unpacking copy the elements in one piece.
//
// Complex elements are kept interleaved (std::complex layout); the codec splits them into the
// wire's "all real parts, then all imaginary parts" form.
//
// The name says what sets it apart from the engines' facemap::RowMajorArray (the array of numpy
// files, elements in C order, as uint8_t bytes): the two hold the same logical arrays, and
// pipeline/array_conversion.hpp converts between them.

#include <algorithm>
#include <complex>
#include <span>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

namespace dj {

/// The numpy dtypes a blob array can have.
enum class DType : std::uint8_t {
  boolean,
  int8,
  uint8,
  int16,
  uint16,
  int32,
  uint32,
  int64,
  uint64,
  float32,
  float64,
  complex64,
  complex128,
  character,   ///< MATLAB char: one UTF-16 code unit per element, held as char16_t
  datetime64,  ///< numpy datetime64: int64 ticks since 1970-01-01 in a TimeUnit
};

/// The unit of a datetime64 array (numpy's Y, M, W, D, h, m, s, ms, us, ns, ps, fs, as).
enum class TimeUnit : std::uint8_t {
  year,
  month,
  week,
  day,
  hour,
  minute,
  second,
  millisecond,
  microsecond,
  nanosecond,
  picosecond,
  femtosecond,
  attosecond,
};

/// Whether converting an array's elements to another C++ type may change the dtype.
enum class Conversion {
  exact,              ///< the array's dtype must be the target's
  to_floating_point,  ///< real numeric or logical elements may become float or double
};

/// The shape of an array: one extent per dimension (empty for a 0-d array).
using Shape = std::vector<std::uint64_t>;

/// Bytes one element of `dtype` takes.
std::size_t element_size(DType dtype);
/// numpy's name of the dtype: "float32", "bool", "datetime64[ms]", "char" for MATLAB char.
std::string dtype_name(DType dtype, TimeUnit unit = TimeUnit::second);
/// Python's notation of a shape: "(3, 4)", "(5,)", "()".
std::string format_shape(const Shape& shape);
/// The number of elements of a shape; throws std::overflow_error when it does not fit 64 bits.
std::uint64_t element_count(const Shape& shape);

namespace detail {
template <class T>
struct TypeTag {
  using type = T;
};
template <class T>
inline constexpr bool always_false = false;
template <class T>
inline constexpr bool is_complex_v =
    std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>;
}  // namespace detail

/// The dtype that holds C++ type T (bool, fixed-width integers, float, double, std::complex of
/// float or double, char16_t for MATLAB char).
template <class T>
constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, bool>) {
    return DType::boolean;
  } else if constexpr (std::is_same_v<T, char16_t>) {
    return DType::character;
  } else if constexpr (std::is_same_v<T, float>) {
    return DType::float32;
  } else if constexpr (std::is_same_v<T, double>) {
    return DType::float64;
  } else if constexpr (std::is_same_v<T, std::complex<float>>) {
    return DType::complex64;
  } else if constexpr (std::is_same_v<T, std::complex<double>>) {
    return DType::complex128;
  } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, char32_t> &&
                       !std::is_same_v<T, wchar_t>) {
    constexpr bool is_signed = std::is_signed_v<T>;
    if constexpr (sizeof(T) == 1) return is_signed ? DType::int8 : DType::uint8;
    if constexpr (sizeof(T) == 2) return is_signed ? DType::int16 : DType::uint16;
    if constexpr (sizeof(T) == 4) return is_signed ? DType::int32 : DType::uint32;
    if constexpr (sizeof(T) == 8) return is_signed ? DType::int64 : DType::uint64;
  } else {
    static_assert(detail::always_false<T>, "no numpy dtype holds this C++ type");
  }
}

/// The C++ types that store each dtype's elements, in DType order (int64_t for datetime64).
using StorageTypes =
    std::tuple<bool, std::int8_t, std::uint8_t, std::int16_t, std::uint16_t, std::int32_t,
               std::uint32_t, std::int64_t, std::uint64_t, float, double, std::complex<float>,
               std::complex<double>, char16_t, std::int64_t>;
static_assert(std::tuple_size_v<StorageTypes> == static_cast<std::size_t>(DType::datetime64) + 1);

namespace detail {
template <class Visitor, std::size_t... Index>
void visit_storage_type(std::size_t dtype, Visitor& visit, std::index_sequence<Index...>) {
  ((dtype == Index && (visit(TypeTag<std::tuple_element_t<Index, StorageTypes>>{}), true)) || ...);
}
}  // namespace detail

/// Calls `visit(detail::TypeTag<T>{})` with T the C++ type that stores elements of `dtype`.
template <class Visitor>
void visit_storage_type(DType dtype, Visitor&& visit) {
  detail::visit_storage_type(static_cast<std::size_t>(dtype), visit,
                             std::make_index_sequence<std::tuple_size_v<StorageTypes>>{});
}

/// A typed n-d array with its logical shape and column-major elements.
class ColumnMajorArray {
 public:
  /// An empty 1-D float64 array, as np.array([]) is.
  ColumnMajorArray() : ColumnMajorArray(DType::float64, Shape{0}) {}
  /// A zero-filled array. `unit` matters only for datetime64.
  ColumnMajorArray(DType dtype, Shape shape, TimeUnit unit = TimeUnit::second);

  /// A 1-D array (ndim 1) holding `values`.
  template <class T>
  static ColumnMajorArray from_vector(const std::vector<T>& values);
  /// A 0-d array (a numpy scalar such as np.float64(2.5)).
  template <class T>
  static ColumnMajorArray scalar(T value);
  /// An array of the given shape from `values` in column-major order (size must match).
  template <class T>
  static ColumnMajorArray from_column_major(Shape shape, const std::vector<T>& values);
  /// An array from elements in C (row-major) order, as numpy files and C arrays hold them:
  /// `elements` holds size(shape) elements of `dtype` in this machine's byte order. Throws
  /// std::invalid_argument when the byte count does not match.
  static ColumnMajorArray from_c_order(DType dtype, Shape shape, std::span<const std::byte> elements,
                                       TimeUnit unit = TimeUnit::second);
  /// An array from an Eigen matrix or array expression of any scalar type and storage order.
  /// Compile-time vectors (VectorXf, RowVectorXd, ...) become 1-D; everything else is
  /// 2-D (rows, cols), as numpy would shape the same logical matrix.
  template <class Derived>
  static ColumnMajorArray from_eigen(const Eigen::DenseBase<Derived>& matrix);

  DType dtype() const { return dtype_; }
  /// The datetime64 unit (meaningless for other dtypes).
  TimeUnit time_unit() const { return unit_; }
  const Shape& shape() const { return shape_; }
  std::size_t ndim() const { return shape_.size(); }
  /// Number of elements.
  std::uint64_t size() const { return bytes_.size() / element_size(dtype_); }
  /// The elements' bytes, column-major, complex interleaved (real, imaginary).
  const std::vector<std::byte>& bytes() const { return bytes_; }
  std::vector<std::byte>& bytes() { return bytes_; }

  /// The elements' bytes in C (row-major) order.
  std::vector<std::byte> c_order_bytes() const;

  /// The elements as T (column-major). Throws std::invalid_argument unless T stores this dtype
  /// (int64_t for datetime64).
  template <class T>
  const T* data() const;
  template <class T>
  T* data();

  /// The elements of a 1-D array. Throws std::invalid_argument naming the dtype or shape.
  template <class T>
  std::vector<T> to_vector(Conversion conversion = Conversion::exact) const;
  /// The array as an Eigen matrix or array type M (any storage order). M's compile-time vectors
  /// take 1-D arrays (or 2-D ones with a single row / column); other types take 2-D arrays.
  /// Throws std::invalid_argument on a dtype or shape mismatch.
  template <class M>
  M to_eigen(Conversion conversion = Conversion::exact) const;
  /// The single element of an array with exactly one element (numpy's item()).
  template <class T>
  T item(Conversion conversion = Conversion::exact) const;

  /// Same dtype (and unit), shape and element bytes.
  bool operator==(const ColumnMajorArray& other) const;
  bool operator!=(const ColumnMajorArray& other) const { return !(*this == other); }
  /// "float32 array of shape (3, 4)", for messages.
  std::string describe() const;

 private:
  void check_storage(DType requested) const;
  /// Calls sink(index, value) for each element, column-major, converted to T.
  template <class T, class Sink>
  void for_each_as(Conversion conversion, Sink&& sink) const;
  /// Rows and columns for an Eigen target whose compile-time extents are given (-1: dynamic).
  std::pair<Eigen::Index, Eigen::Index> eigen_extent(int rows_at_compile_time,
                                                     int cols_at_compile_time) const;

  DType dtype_;
  TimeUnit unit_;
  Shape shape_;
  std::vector<std::byte> bytes_;
};

namespace detail {
/// Throws std::invalid_argument unless elements of `source` may become `target` under
/// `conversion`.
void check_conversion(DType source, DType target, Conversion conversion);
}  // namespace detail

template <class T>
ColumnMajorArray ColumnMajorArray::from_vector(const std::vector<T>& values) {
  ColumnMajorArray array(dtype_of<T>(), Shape{values.size()});
  std::copy(values.begin(), values.end(), array.data<T>());
  return array;
}

template <class T>
ColumnMajorArray ColumnMajorArray::scalar(T value) {
  ColumnMajorArray array(dtype_of<T>(), Shape{});
  *array.data<T>() = value;
  return array;
}

template <class T>
ColumnMajorArray ColumnMajorArray::from_column_major(Shape shape, const std::vector<T>& values) {
  ColumnMajorArray array(dtype_of<T>(), std::move(shape));
  if (array.size() != values.size())
    throw std::invalid_argument("shape " + format_shape(array.shape()) + " needs " +
                                std::to_string(array.size()) + " elements, got " +
                                std::to_string(values.size()));
  std::copy(values.begin(), values.end(), array.data<T>());
  return array;
}

template <class Derived>
ColumnMajorArray ColumnMajorArray::from_eigen(const Eigen::DenseBase<Derived>& matrix) {
  using T = typename Derived::Scalar;
  const auto rows = static_cast<std::uint64_t>(matrix.rows());
  const auto cols = static_cast<std::uint64_t>(matrix.cols());
  ColumnMajorArray array(dtype_of<T>(),
                Derived::IsVectorAtCompileTime ? Shape{rows * cols} : Shape{rows, cols});
  // Evaluate expressions once; plain matrices are referenced, not copied.
  const auto& evaluated = matrix.eval();
  T* out = array.data<T>();
  for (Eigen::Index c = 0; c < matrix.cols(); ++c)
    for (Eigen::Index r = 0; r < matrix.rows(); ++r) *out++ = evaluated(r, c);
  return array;
}

template <class T>
const T* ColumnMajorArray::data() const {
  check_storage(dtype_of<T>());
  return reinterpret_cast<const T*>(bytes_.data());
}

template <class T>
T* ColumnMajorArray::data() {
  check_storage(dtype_of<T>());
  return reinterpret_cast<T*>(bytes_.data());
}

template <class T, class Sink>
void ColumnMajorArray::for_each_as(Conversion conversion, Sink&& sink) const {
  detail::check_conversion(dtype_, dtype_of<T>(), conversion);
  visit_storage_type(dtype_, [&](auto tag) {
    using Source = typename decltype(tag)::type;
    // check_conversion has rejected the other pairs at run time; this keeps them compiling.
    if constexpr (std::is_convertible_v<Source, T>) {
      const auto* source = reinterpret_cast<const Source*>(bytes_.data());
      const std::uint64_t n = size();
      for (std::uint64_t i = 0; i < n; ++i) sink(i, static_cast<T>(source[i]));
    }
  });
}

template <class T>
std::vector<T> ColumnMajorArray::to_vector(Conversion conversion) const {
  if (ndim() != 1)
    throw std::invalid_argument("a std::vector needs a 1-D array, got " + describe());
  std::vector<T> values(size());
  for_each_as<T>(conversion, [&](std::uint64_t i, T value) { values[i] = value; });
  return values;
}

template <class M>
M ColumnMajorArray::to_eigen(Conversion conversion) const {
  const auto [rows, cols] = eigen_extent(M::RowsAtCompileTime, M::ColsAtCompileTime);
  M result;
  result.resize(rows, cols);
  Eigen::Index r = 0, c = 0;
  for_each_as<typename M::Scalar>(conversion, [&](std::uint64_t, typename M::Scalar value) {
    result(r, c) = value;
    if (++r == rows) r = 0, ++c;
  });
  return result;
}

template <class T>
T ColumnMajorArray::item(Conversion conversion) const {
  if (size() != 1)
    throw std::invalid_argument("item() needs an array of one element, got " + describe());
  T result{};
  for_each_as<T>(conversion, [&](std::uint64_t, T value) { result = value; });
  return result;
}

}  // namespace dj
