#include "pipeline/migrations.hpp"

#include <spdlog/spdlog.h>

#include "dj/blob.hpp"
#include "pipeline/task_params.hpp"

namespace pipeline {

MigrationReport migrate_stored_rows(Pipeline& pipe) {
  MigrationReport report;
  const dj::Table tasks = pipe.table("facial_behavior_estimation.FacemapTask");
  dj::Connection::Transaction transaction(pipe.connection());
  for (const dj::Row& task : tasks.fetch()) {
    const auto migrated = migrate_facemap_params(dj::unpack_blob(task, "facemap_params"));
    if (!migrated) continue;
    dj::Row row = task.project(tasks.heading().primary_key());
    row.set("facemap_params", dj::to_blob(*migrated));
    tasks.update1(row);
    spdlog::info("FacemapTask {}: facemap_params rewritten in Facemap's form (reflector, rtype)",
                 row.to_display());
    ++report.facemap_tasks;
  }
  transaction.commit();
  return report;
}

}  // namespace pipeline
