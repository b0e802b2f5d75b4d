#pragma once
// SQL text with its parameters kept beside it. Values never enter the text: each parameter
// is a marker that render() numbers $1, $2, ... in order, so fragments compose freely.

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace dj {

/// A parameter value in PostgreSQL's text format; nullopt is NULL.
using SqlParam = std::optional<std::string>;

/// SQL text plus the parameters its markers stand for, in order.
struct SqlFragment {
  std::string text;
  std::vector<SqlParam> params;

  SqlFragment() = default;
  SqlFragment(std::string sql) : text(std::move(sql)) {}  // NOLINT: plain SQL converts
  /// Appends a parameter marker and its value.
  SqlFragment& param(SqlParam value);
  SqlFragment& operator+=(const SqlFragment& other);
  SqlFragment& operator+=(const std::string& sql) {
    text += sql;
    return *this;
  }
  /// The text with markers replaced by $1, $2, ...
  std::string render() const;
};

SqlFragment operator+(SqlFragment a, const SqlFragment& b);
SqlFragment operator+(SqlFragment a, const std::string& b);
SqlFragment operator+(const std::string& a, const SqlFragment& b);

/// Joins fragments with a separator (e.g. " AND ").
SqlFragment join_fragments(const std::vector<SqlFragment>& parts, const std::string& separator);

/// Converts user SQL written with $1..$n placeholders (outside quotes) into a fragment,
/// binding `params`. Throws naming the condition when a placeholder has no value.
SqlFragment fragment_from_placeholders(const std::string& sql, const std::vector<SqlParam>& params);

/// A statement the server refused; keeps PostgreSQL's SQLSTATE (e.g. "23505" for a duplicate).
class QueryError : public std::runtime_error {
 public:
  QueryError(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

/// Runs a fragment in a transaction. SQL errors are rethrown as QueryError with `context`
/// prepended.
pqxx::result execute(pqxx::transaction_base& tx, const SqlFragment& sql,
                     const std::string& context = "");

}  // namespace dj
