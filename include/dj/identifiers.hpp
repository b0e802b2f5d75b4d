#pragma once
// Names in the database: validation, quoting, and DataJoint's class-name -> table-name rules
// (tier prefixes, snake case, parts as master__part).

#include <string>

namespace dj {

/// The five table tiers of DataJoint.
enum class Tier { manual, lookup, imported, computed, part };

/// "manual", "lookup", ... (for messages and describe()).
std::string tier_name(Tier tier);

/// Throws std::invalid_argument unless `name` is a valid schema name: [a-z][a-z0-9_]*, at most
/// 63 characters (DataJoint cannot read upper-case names).
void validate_schema_name(const std::string& name);

/// Throws unless `name` is a valid attribute name: [a-z][a-z0-9_]*, at most 63 characters.
void validate_attribute_name(const std::string& name);

/// Throws unless `name` is a class name DataJoint accepts: ^[A-Z][A-Za-z0-9]*$.
void validate_class_name(const std::string& name);

/// "FacialSignal" -> "facial_signal", "MotionSVD" -> "motion_s_v_d", "Scan2Photon" ->
/// "scan2_photon".
std::string to_snake_case(const std::string& class_name);

/// "_facial_signal__motion_s_v_d" -> "MotionSVD" (the part, or the master for a master table).
std::string to_class_name(const std::string& table_segment);

/// The table name of a master class in a tier ("#filter", "_facial_signal", "__facial_signal").
std::string master_table_name(const std::string& class_name, Tier tier);

/// The table name of a part: "<master table>__<snake part>".
std::string part_table_name(const std::string& master_table, const std::string& part_class);

/// The tier a table name denotes, by DataJoint's read-back rules; throws for hidden or
/// unrecognised names. Sets `master_table` to the master's name for parts.
Tier tier_of_table_name(const std::string& table_name, std::string* master_table = nullptr);

/// The class name a table name denotes: "#device" -> "Device", "_facial_signal__region" ->
/// "FacialSignal.Region". Throws as tier_of_table_name() does.
std::string class_name_of_table(const std::string& table_name);

/// True for names DataJoint can read as a table (not ~lineage, ~~jobs, or odd names).
bool is_user_table_name(const std::string& table_name);

/// A double-quoted identifier. Names are validated before they get here, so they never hold '"'.
std::string quote_identifier(const std::string& name);

/// "\"schema\".\"table\"".
std::string qualified_name(const std::string& schema, const std::string& table);

/// A single-quoted SQL string literal with embedded quotes doubled. Used only in DDL, where
/// PostgreSQL accepts no parameters (comments, defaults, enum labels).
std::string quote_literal(const std::string& text);

}  // namespace dj
