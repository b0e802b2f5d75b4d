#pragma once
// The Facemap pipeline on one connection: the five schemas (lab, subject, session,
// facial_behavior_estimation, facemap_inference) declared from schemas/ with a name prefix.
//
//   dj::Connection connection(url);
//   pipeline::Pipeline pipe(connection);            // declares or opens fm_lab, fm_subject, ...
//   pipe.table("subject.Subject").insert1({...});
//   auto motion = pipe.table("facial_behavior_estimation.FacialSignal.MotionSVD");

#include <map>
#include <string>
#include <vector>

#include "dj/schema.hpp"
#include "pipeline/schema_file.hpp"

namespace pipeline {

/// The pipeline's schemas, activated on a connection.
class Pipeline {
 public:
  /// Declares the schemas that are missing (and their tables), or opens them.
  explicit Pipeline(dj::Connection& connection, std::string prefix = default_prefix());

  /// $FMPIPE_SCHEMA_PREFIX, else the configuration file's "schema_prefix", else "fm_".
  static std::string default_prefix();

  const std::string& prefix() const { return prefix_; }
  dj::Connection& connection() const { return *connection_; }
  /// A schema by its name without prefix ("session").
  dj::Schema& schema(const std::string& name);
  const dj::Schema& schema(const std::string& name) const;
  /// A table by "<schema>.<Class>" or "<schema>.<Master>.<Part>".
  dj::Table table(const std::string& name) const;
  /// Every table as "<schema>.<Class>", parents before children.
  std::vector<std::string> table_names() const;

  /// The DDL this object generated, per schema name, with the schema names written with
  /// `shown_prefix` (sql/ keeps it with "fm_"). Empty for schemas that existed already.
  std::map<std::string, std::string> ddl_scripts(const std::string& shown_prefix) const;

 private:
  dj::Connection* connection_;
  std::string prefix_;
  std::vector<std::pair<std::string, dj::Schema>> schemas_;
};

}  // namespace pipeline
