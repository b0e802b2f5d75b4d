#pragma once
// Rewrites rows stored by earlier versions into the current conventions. `fmpipe init` runs it;
// every step is idempotent (a migrated row is left alone the next time).

#include "pipeline/pipeline.hpp"

namespace pipeline {

/// What migrate_stored_rows() changed.
struct MigrationReport {
  long long facemap_tasks = 0;  ///< FacemapTask rows whose params were rewritten
};

/// FacemapTask.facemap_params with the old region keys (`reflectors` crop masks, `name`) become
/// Facemap's form (`reflector`, `rtype`), in one transaction. Each rewritten task is logged.
MigrationReport migrate_stored_rows(Pipeline& pipe);

}  // namespace pipeline
