#pragma once
// The mapping between a table's columns and the members of a result struct, written once per
// table as a list of Column entries: the table's insert phase writes rows through it and its
// reader rebuilds the struct through it, so each column name appears once in C++.
//
//   constexpr auto kBlinkColumns = std::tuple{Column{"blink", &facemap::BlinkTrace::blink}};
//   set_columns(row, trace, kBlinkColumns);     // insert
//   get_columns(row, trace, kBlinkColumns);     // read back
//
// A member's C++ type says how its column holds it: numbers and text as themselves, a
// std::optional as NULL when empty, Eigen vectors and matrices as numeric blobs (1-D and 2-D
// arrays, read back converting any stored float dtype, since Facemap's files hold float32 where
// our engine writes float64), index lists as int64 blobs (NULL when empty).

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "dj/blob.hpp"
#include "dj/value.hpp"

namespace pipeline {

/// One column of a table and the struct member that holds its value.
template <class Struct, class Member>
struct Column {
  const char* name;
  Member Struct::*member;
};

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
dj::Value column_value(const T& value) {
  if constexpr (is_optional<T>::value) {
    return value ? column_value(*value) : dj::Value();
  } else if constexpr (std::is_base_of_v<Eigen::DenseBase<T>, T>) {
    return dj::to_blob(dj::ColumnMajorArray::from_eigen(value));
  } else if constexpr (std::is_same_v<T, std::vector<int>>) {
    if (value.empty()) return dj::Value();
    return dj::to_blob(
        dj::ColumnMajorArray::from_vector(std::vector<std::int64_t>(value.begin(), value.end())));
  } else {
    return dj::Value(value);
  }
}

template <class T>
void read_column(const dj::Row& row, const std::string& name, T& out) {
  if constexpr (is_optional<T>::value) {
    if (row.is_null(name)) {
      out.reset();
    } else {
      read_column(row, name, out.emplace());
    }
  } else if constexpr (std::is_base_of_v<Eigen::DenseBase<T>, T>) {
    out = dj::unpack_matrix<T>(row, name, dj::Conversion::to_floating_point);
  } else if constexpr (std::is_same_v<T, std::vector<int>>) {
    out.clear();
    if (row.is_null(name)) return;
    for (const std::int64_t index : dj::unpack_vector<std::int64_t>(row, name))
      out.push_back(static_cast<int>(index));
  } else {
    out = row.get<T>(name);
  }
}

}  // namespace detail

/// Sets every column of `columns` in `row` from the members of `values`.
template <class Struct, class... Members>
void set_columns(dj::Row& row, const Struct& values,
                 const std::tuple<Column<Struct, Members>...>& columns) {
  std::apply(
      [&](const auto&... column) {
        (row.set(column.name, detail::column_value(values.*(column.member))), ...);
      },
      columns);
}

/// Sets the members of `values` from the columns of `row`.
template <class Struct, class... Members>
void get_columns(const dj::Row& row, Struct& values,
                 const std::tuple<Column<Struct, Members>...>& columns) {
  std::apply(
      [&](const auto&... column) {
        (detail::read_column(row, column.name, values.*(column.member)), ...);
      },
      columns);
}

}  // namespace pipeline
