#pragma once
// Brings a database an earlier version created up to the current definitions and conventions.
// `fmpipe init` runs it; every step is idempotent (a migrated row is left alone the next time).

#include <string>
#include <vector>

#include <optional>

#include "pipeline/pipeline.hpp"

namespace pipeline {

/// What migrate_stored_rows() changed.
struct MigrationReport {
  long long facemap_tasks = 0;  ///< FacemapTask rows whose params were rewritten
  /// FacemapInferenceTask rows that became inference task 0; nothing when the inference tables
  /// had their current key already.
  std::optional<long long> inference_tasks;
};

/// Widens the varchar and char columns that an earlier version declared narrower than
/// schemas/*.dj declares them now (subject was varchar(8), file_path varchar(255)), with every
/// column that references them by foreign key, in one transaction. The SQL helpers' views are
/// dropped first when anything is widened (a view fixes its columns' types): run
/// install_sql_helpers() after it, as `fmpipe init` does. Returns the columns widened, as
/// "schema.table.column"; each is logged. Nothing is ever narrowed.
std::vector<std::string> migrate_column_widths(Pipeline& pipe);

/// In one transaction:
/// - FacemapTask.facemap_params with the old region keys (`reflectors` crop masks, `name`)
///   become Facemap's form (`reflector`, `rtype`). Each rewritten task is logged.
/// - FacemapInferenceTask, FacemapInference, its BodyPartPosition and FacemapInference's job
///   table of the layout without inference_task_id are declared again as schemas/ defines them
///   and their rows copied with inference_task_id 0 (logged). Grants on them are lost.
MigrationReport migrate_stored_rows(Pipeline& pipe);

/// Throws std::runtime_error, saying that `fmpipe init` migrates them, when tables have the
/// layout of an earlier version that migrate_stored_rows() rewrites (the inference tables
/// without inference_task_id): what computes or creates tasks calls it first, rather than fail
/// later on a missing attribute.
void require_current_layout(const Pipeline& pipe);

}  // namespace pipeline
