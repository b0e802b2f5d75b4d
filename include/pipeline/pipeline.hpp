#pragma once
// The Facemap pipeline on one connection: the five schemas (lab, subject, session,
// facial_behavior_estimation, facemap_inference) declared from schemas/ with a name prefix, or,
// linked under a lab's own tables (upstream.hpp), the last two alone.
//
//   dj::Connection connection(url);
//   pipeline::Pipeline pipe(connection);            // declares or opens fm_lab, fm_subject, ...
//   pipe.table("subject.Subject").insert1({...});
//   auto motion = pipe.table("facial_behavior_estimation.FacialSignal.MotionSVD");

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dj/schema.hpp"
#include "pipeline/schema_file.hpp"
#include "pipeline/upstream.hpp"

namespace pipeline {

/// The pipeline's schemas, activated on a connection.
class Pipeline {
 public:
  /// Declares the schemas that are missing (and their tables), or opens them, linked under the
  /// configuration file's "upstream" when it names one (Upstream::configured()).
  explicit Pipeline(dj::Connection& connection, std::string prefix = default_prefix());
  /// Declares or opens the schemas, linked under `upstream` when it names a Session: then
  /// VideoRecording references the lab's Session (and Device) and the pipeline's own lab,
  /// subject and session schemas are not created. Schemas that exist stay attached to what
  /// VideoRecording's foreign keys reference (an `upstream` naming nothing takes that), and an
  /// `upstream` naming other tables is refused, naming both.
  Pipeline(dj::Connection& connection, std::string prefix, const Upstream& upstream);

  /// $FMPIPE_SCHEMA_PREFIX, else the configuration file's "schema_prefix", else "fm_".
  static std::string default_prefix();

  const std::string& prefix() const { return prefix_; }
  dj::Connection& connection() const { return *connection_; }
  /// A schema by its name without prefix ("session").
  dj::Schema& schema(const std::string& name);
  const dj::Schema& schema(const std::string& name) const;
  /// A table by "<schema>.<Class>" or "<schema>.<Master>.<Part>".
  dj::Table table(const std::string& name) const;
  /// Every table as "<schema>.<Class>", parents before children (the lab's are not listed).
  std::vector<std::string> table_names() const;

  /// The lab's tables the pipeline is linked under; naming nothing for the pipeline's own.
  const Upstream& upstream() const { return upstream_; }
  bool linked() const { return upstream_.linked(); }
  /// The Session that recordings belong to: the lab's when linked, else session.Session.
  const dj::Table& session_table() const { return *session_; }
  /// The Device that recordings name, if any (lab.Device unless linked without one).
  const std::optional<dj::Table>& device_table() const { return device_; }
  /// The Subject, if any (subject.Subject unless linked without one).
  const std::optional<dj::Table>& subject_table() const { return subject_; }
  /// The Session's primary key: the attributes that name a session in every table.
  std::vector<std::string> session_key() const;
  /// VideoRecording's primary key: the session key and recording_id.
  std::vector<std::string> recording_key() const;

  /// The DDL this object generated, per schema name, with the schema names written with
  /// `shown_prefix` (sql/ keeps it with "fm_"). Empty for schemas that existed already.
  std::map<std::string, std::string> ddl_scripts(const std::string& shown_prefix) const;

 private:
  dj::Connection* connection_;
  std::string prefix_;
  std::vector<std::pair<std::string, dj::Schema>> schemas_;
  Upstream upstream_;
  std::optional<dj::Table> session_, device_, subject_;
};

}  // namespace pipeline
