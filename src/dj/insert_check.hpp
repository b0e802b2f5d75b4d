#pragma once
// The checks insert() makes before it sends a row, so that what PostgreSQL would refuse (or, for
// an int8 column stored as smallint, silently accept) is refused in the table's own words.

#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "dj/heading.hpp"
#include "dj/value.hpp"

namespace dj::detail {

/// Throws InsertError for the first value of `rows` that `heading` cannot store, or for a required
/// attribute (not nullable, no default) that a row leaves out or gives as NULL. Attributes the
/// heading lacks are not looked at (insert() refuses or drops them itself). `class_name` names
/// the table in the message.
void check_values(const Heading& heading, const std::string& class_name,
                  const std::vector<Row>& rows);

/// Throws InsertError naming the parent table and the key when a row of `rows` references a
/// parent row that does not exist (one query per foreign key of the table, in `tx`).
void check_parents(pqxx::transaction_base& tx, const Heading& heading,
                   const std::string& class_name, const std::vector<Row>& rows);

}  // namespace dj::detail
