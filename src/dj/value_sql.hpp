#pragma once
// Values <-> PostgreSQL's text format, by attribute type.

#include <vector>

#include <pqxx/pqxx>

#include "dj/heading.hpp"
#include "dj/sql.hpp"
#include "dj/value.hpp"

namespace dj::detail {

/// The parameter text for `value` stored in `attribute` (bytea as "\x" hex). Throws naming the
/// attribute when the value does not fit its type.
SqlParam to_param(const Value& value, const Attribute& attribute);

/// The Value of a fetched field. `attribute` decides how bytea is read (blob, attach or bytes);
/// for other types the column's type OID decides, so computed attributes convert too.
Value from_field(const pqxx::field& field, const Attribute* attribute);

/// The rows of a result, each field converted by from_field() with the attribute of its column's
/// name in `heading` (none for computed columns).
std::vector<Row> rows_of(const pqxx::result& result, const Heading& heading);

/// "\x" + lower-case hex of `bytes`.
std::string to_bytea_hex(const std::string& bytes);
/// Inverse of to_bytea_hex (PostgreSQL's hex output format).
std::string from_bytea_hex(const char* text, size_t size);

}  // namespace dj::detail
