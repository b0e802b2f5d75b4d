#pragma once
// Brings a database an earlier version created up to the current definitions and conventions.
// `fmpipe init` runs it; every step is idempotent (a migrated row is left alone the next time).

#include <string>
#include <vector>

#include "pipeline/pipeline.hpp"

namespace pipeline {

/// What migrate_stored_rows() changed.
struct MigrationReport {
  long long facemap_tasks = 0;  ///< FacemapTask rows whose params were rewritten
};

/// Widens the varchar and char columns that an earlier version declared narrower than
/// schemas/*.dj declares them now (subject was varchar(8), file_path varchar(255)), with every
/// column that references them by foreign key, in one transaction. The SQL helpers' views are
/// dropped first when anything is widened (a view fixes its columns' types): run
/// install_sql_helpers() after it, as `fmpipe init` does. Returns the columns widened, as
/// "schema.table.column"; each is logged. Nothing is ever narrowed.
std::vector<std::string> migrate_column_widths(Pipeline& pipe);

/// FacemapTask.facemap_params with the old region keys (`reflectors` crop masks, `name`) become
/// Facemap's form (`reflector`, `rtype`), in one transaction. Each rewritten task is logged.
MigrationReport migrate_stored_rows(Pipeline& pipe);

}  // namespace pipeline
