#pragma once
// Deleting from the pipeline as DataJoint's delete() does: the rows asked for and every row
// downstream of them, parts included, in one transaction, once the caller has seen a preview of
// what goes; then the result files that trigger mode wrote for the deleted FacemapProcessing and
// FacemapInference keys, which would otherwise be left behind (or they are kept and listed).
//
//   pipeline::DeletionRequest request;
//   request.confirm = [](const pipeline::DeletionPreview& preview) { return preview.total() < 100;
//   }; pipeline::delete_cascade(pipe, roots, pipe.table("session.Session") & key, request);

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "dj/expression.hpp"
#include "pipeline/paths.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

/// What a delete removes.
struct DeletionPreview {
  /// Rows per table of the cascade, the table asked for first and its descendants after their
  /// parents, each as "<schema>.<Class>" (a table outside the pipeline by its SQL name).
  std::vector<std::pair<std::string, long long>> counts;
  /// The files of the deleted keys' trigger-mode results that exist: `_proc.npy`,
  /// `_FacemapPose.h5` and its metadata pickle.
  std::vector<std::filesystem::path> files;
  long long total() const;
};

struct DeletionRequest {
  bool dry_run = false;     ///< preview only: nothing is deleted, confirm is not asked
  bool keep_files = false;  ///< delete the rows and leave the files where they are
  /// Gets the preview inside the transaction, where its counts are of rows already deleted,
  /// and says whether to commit (without one, the delete commits). Not called in a dry run or
  /// when no row matches. Throwing rolls back.
  std::function<bool(const DeletionPreview&)> confirm;
};

struct Deletion {
  DeletionPreview preview;
  bool committed = false;
  /// Files removed after the commit, with the output folders that this left empty.
  std::vector<std::filesystem::path> removed;
  /// "<path>: <reason>" for each file that could not be removed (the rows are gone).
  std::vector<std::string> failures;
};

/// Deletes `rows` (a restriction of one of the pipeline's tables) and their descendants. Files
/// are removed only after the commit, so a rollback leaves them all. Throws, deleting nothing,
/// when the rows are part rows whose masters would stay, or when the folder of a deleted
/// trigger-mode result cannot be found (no processed-data root is set: `roots`).
Deletion delete_cascade(const Pipeline& pipe, const DataRoots& roots, const dj::Query& rows,
                        const DeletionRequest& request);

}  // namespace pipeline
