#include "pipeline/migrations.hpp"

#include <optional>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "dj/blob.hpp"
#include "dj/identifiers.hpp"
#include "dj/jobs.hpp"
#include "pipeline/task_params.hpp"

namespace pipeline {
namespace {

constexpr const char* kInferenceTaskId = "inference_task_id";

/// The inference tables whose key gained inference_task_id, parents first.
const std::vector<std::string>& rekeyed_inference_tables() {
  static const std::vector<std::string> tables = {
      "facemap_inference.FacemapInferenceTask", "facemap_inference.FacemapInference",
      "facemap_inference.FacemapInference.BodyPartPosition"};
  return tables;
}

/// A table's columns in their order, from the catalog (a job table has no dj::Table).
std::vector<std::string> column_names(pqxx::transaction_base& tx, const std::string& schema,
                                      const std::string& table) {
  std::vector<std::string> names;
  for (const auto& row : tx.exec_params(
           "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND "
           "table_name = $2 ORDER BY ordinal_position",
           schema, table))
    names.push_back(row[0].as<std::string>());
  return names;
}

/// A table of the old layout, kept in a temporary table while its new layout is declared.
struct SavedTable {
  std::string schema, table, copy;
  std::vector<std::string> columns;
};

SavedTable save_rows(pqxx::transaction_base& tx, const std::string& schema,
                     const std::string& table, int index) {
  SavedTable saved{schema, table, "fmpipe_migrated_" + std::to_string(index),
                   column_names(tx, schema, table)};
  tx.exec("CREATE TEMPORARY TABLE " + dj::quote_identifier(saved.copy) +
          " ON COMMIT DROP AS SELECT * FROM " + dj::qualified_name(schema, table));
  return saved;
}

/// Copies the saved rows into the table's new layout, as inference task 0.
long long restore(pqxx::transaction_base& tx, const SavedTable& saved) {
  std::string columns;
  for (const auto& name : saved.columns) columns += dj::quote_identifier(name) + ", ";
  const pqxx::result inserted =
      tx.exec("INSERT INTO " + dj::qualified_name(saved.schema, saved.table) + " (" + columns +
              dj::quote_identifier(kInferenceTaskId) + ") SELECT " + columns + "0 FROM " +
              dj::quote_identifier(saved.copy));
  return static_cast<long long>(inserted.affected_rows());
}

/// Earlier versions keyed FacemapInferenceTask by the recording and the model alone. Its
/// tables and FacemapInference's job table are declared afresh, so that their layout is
/// exactly what schemas/ declares for a new database (key order, foreign keys, lineage for
/// DataJoint), and their rows come back as inference task 0. Returns the number of tasks, or
/// nothing when the tables have the current layout.
std::optional<long long> add_inference_task_ids(Pipeline& pipe) {
  const auto& tables = rekeyed_inference_tables();
  if (pipe.table(tables.front()).heading().has(kInferenceTaskId)) return std::nullopt;
  // The job table is named and laid out after FacemapInference's key (dj/jobs.hpp).
  const dj::Table inference = pipe.table(tables[1]);
  const std::string job_table = dj::JobTable(inference).name();
  std::vector<SavedTable> saved;
  pipe.connection().run([&](pqxx::transaction_base& tx) {
    for (const auto& name : tables) {
      const dj::Table table = pipe.table(name);
      saved.push_back(
          save_rows(tx, table.schema_name(), table.table_name(), static_cast<int>(saved.size())));
    }
    saved.push_back(
        save_rows(tx, inference.schema_name(), job_table, static_cast<int>(saved.size())));
    tx.exec("DROP TABLE " + dj::qualified_name(inference.schema_name(), job_table));
    for (auto table = tables.rbegin(); table != tables.rend(); ++table)
      tx.exec("DROP TABLE " +
              dj::qualified_name(inference.schema_name(), pipe.table(*table).table_name()));
  });
  // A pipeline on the same schemas declares what is missing: the dropped tables, in their
  // current definition. Then the caller's pipeline sees them again.
  pipe.schema("facemap_inference").refresh();
  Pipeline redeclared(pipe.connection(), pipe.prefix());
  pipe.schema("facemap_inference").refresh();
  const dj::JobTable declared_jobs(pipe.table(tables[1]));  // the job table, in its new layout
  long long tasks = 0;
  pipe.connection().run([&](pqxx::transaction_base& tx) {
    for (const SavedTable& table : saved) {
      const long long rows = restore(tx, table);
      if (table.table == pipe.table(tables.front()).table_name()) tasks = rows;
    }
  });
  spdlog::info(
      "facemap_inference: FacemapInferenceTask, FacemapInference and BodyPartPosition are keyed "
      "by inference_task_id now; their {} task(s) became inference task 0 (grants given on these "
      "tables before must be given again)",
      tasks);
  return tasks;
}

long long migrate_params(Pipeline& pipe) {
  long long rewritten = 0;
  const dj::Table tasks = pipe.table("facial_behavior_estimation.FacemapTask");
  for (const dj::Row& task : tasks.fetch()) {
    const auto migrated = migrate_facemap_params(dj::unpack_blob(task, "facemap_params"));
    if (!migrated) continue;
    dj::Row row = task.project(tasks.heading().primary_key());
    row.set("facemap_params", dj::to_blob(*migrated));
    tasks.update1(row);
    spdlog::info("FacemapTask {}: facemap_params rewritten in Facemap's form (reflector, rtype)",
                 row.to_display());
    ++rewritten;
  }
  return rewritten;
}

}  // namespace

void require_current_layout(const Pipeline& pipe) {
  const std::string& task_table = rekeyed_inference_tables().front();
  if (pipe.table(task_table).heading().has(kInferenceTaskId)) return;
  throw std::runtime_error(task_table + " has the layout of an earlier version (no " +
                           kInferenceTaskId +
                           " in its key): run `fmpipe init`, which migrates it with its rows");
}

MigrationReport migrate_stored_rows(Pipeline& pipe) {
  MigrationReport report;
  dj::Connection::Transaction transaction(pipe.connection());
  report.facemap_tasks = migrate_params(pipe);
  report.inference_tasks = add_inference_task_ids(pipe);
  transaction.commit();
  return report;
}

}  // namespace pipeline
