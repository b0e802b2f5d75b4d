#pragma once
// How Pipeline attaches to its upstream (pipeline/upstream.hpp): the lab's tables opened by
// name, the link a database already holds read back from VideoRecording's foreign keys, and
// VideoRecording's definition pointed at the lab's tables.

#include <optional>
#include <string>

#include "dj/connection.hpp"
#include "dj/table.hpp"
#include "pipeline/upstream.hpp"

namespace pipeline::detail {

/// An existing table named "<schema>.<Class>"; throws naming `role` ("session") and the reason.
dj::Table upstream_table(dj::Connection& connection, const std::string& name,
                         const std::string& role);

/// What the VideoRecording of `prefix` references: nothing when it does not exist yet, an
/// Upstream naming nothing when it is under the pipeline's own session schema, else the lab's
/// Session (its primary foreign key), Device (its secondary one) and Subject (the one table
/// Session references through its primary key, when there is exactly one).
std::optional<Upstream> attached_upstream(dj::Connection& connection, const std::string& prefix);

/// Checks that the lab's tables fit together (the Subject's key is part of the Session's);
/// throws naming them.
void check_upstream(const dj::Table& session, const std::optional<dj::Table>& subject);

/// A definition of schemas/ with "-> session.Session" and "-> lab.Device" pointing at the lab's
/// classes (through the aliases "session" and "lab"), and the Device reference dropped when the
/// lab has none.
std::string linked_definition(const std::string& definition, const Upstream& upstream);

/// "Session" of "lab_session.Session".
std::string class_of(const std::string& name);
/// "lab_session" of "lab_session.Session".
std::string schema_of(const std::string& name);

}  // namespace pipeline::detail
