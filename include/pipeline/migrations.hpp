#pragma once
// Rewrites rows stored by earlier versions into the current conventions. `fmpipe init` runs it;
// every step is idempotent (a migrated row is left alone the next time).

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
