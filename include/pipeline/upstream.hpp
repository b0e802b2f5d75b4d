#pragma once
// The tables a pipeline's recordings hang under: by default the pipeline's own lab, subject and
// session schemas; linked, a lab's existing Session (whatever its primary key), and its Device
// and Subject where it has them, as DataJoint elements are activated under a linking module.
//
//   pipeline::Upstream lab;
//   lab.session = "mylab_session.Session";   // required to link
//   lab.device = "mylab_lab.Device";         // optional: without it, VideoRecording names none
//   pipeline::Pipeline pipe(connection, "fm_", lab);
//
// What a pipeline is linked to is read back from its database: VideoRecording's foreign keys
// name the Session (the primary one) and the Device (the secondary one), so later programs
// attach to the same tables without the configuration. See Pipeline's constructor.

#include <string>
#include <utility>
#include <vector>

#include "dj/heading.hpp"
#include "dj/value.hpp"

namespace pipeline {

class Pipeline;

/// The lab's tables to link under, each "<schema>.<Class>" with the schema's full name. An
/// empty `session` names nothing: the pipeline keeps what its database holds, else its own.
struct Upstream {
  std::string session;  ///< the lab's Session table
  std::string device;   ///< the lab's Device table, or empty
  std::string subject;  ///< the lab's Subject table (an ancestor of Session), or empty

  bool linked() const { return !session.empty(); }
  bool operator==(const Upstream& other) const {
    return session == other.session && device == other.device && subject == other.subject;
  }
  /// "session lab.Session, device lab.Device" for messages.
  std::string display() const;

  /// The configuration file's "upstream": {"session": ..., "device": ..., "subject": ...};
  /// an Upstream naming nothing when the file has none. Throws naming the key on a value that
  /// is not a "<schema>.<Class>" text.
  static Upstream configured();
};

/// `text` as attribute `name` of `heading` holds it: integers and numbers converted (an empty
/// text, or one that is not of the type, throws naming the value, the attribute and its type);
/// text, dates and enums as given, for the insert to check.
dj::Value typed_attribute_value(const dj::Heading& heading, const std::string& name,
                                const std::string& text);

/// A recording's session key from "attr=value" texts (fmpipe's --key): each attribute must be in
/// the pipeline's Session (the lab's when linked), and its value is converted to the
/// attribute's type. Throws naming the attribute and the attributes that exist, or the value
/// and the type.
dj::Row session_key_from_text(const Pipeline& pipe, const std::vector<std::string>& assignments);

/// Throws, naming the missing attributes, unless `key` gives every attribute of the pipeline's
/// Session key.
void require_full_session_key(const Pipeline& pipe, const dj::Row& key);

}  // namespace pipeline
