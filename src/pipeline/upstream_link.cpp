#include "upstream_link.hpp"

#include <algorithm>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "dj/dependencies.hpp"
#include "dj/heading.hpp"
#include "dj/schema.hpp"

namespace pipeline::detail {
namespace {

std::string name_of(dj::Connection& connection, const dj::TableRef& ref) {
  return ref.schema + "." + dj::Table(connection, ref.schema, ref.table).class_name();
}

}  // namespace

std::string class_of(const std::string& name) {
  return name.substr(name.find('.') + 1);
}

std::string schema_of(const std::string& name) {
  return name.substr(0, name.find('.'));
}

dj::Table upstream_table(dj::Connection& connection, const std::string& name,
                         const std::string& role) {
  if (name.find('.') == std::string::npos || name.front() == '.' || name.back() == '.')
    throw std::invalid_argument("upstream " + role + " '" + name +
                                "': name it as <schema>.<Class>, e.g. lab_session.Session");
  try {
    return dj::Schema(connection, schema_of(name), /*create=*/false).table(class_of(name));
  } catch (const std::exception& error) {
    throw std::invalid_argument("upstream " + role + " '" + name +
                                "' cannot be opened: " + error.what());
  }
}

std::optional<Upstream> attached_upstream(dj::Connection& connection, const std::string& prefix) {
  const std::string fbe = prefix + "facial_behavior_estimation";
  const dj::TableRef recording{fbe, "video_recording"};
  std::optional<dj::TableRef> session, device, subject;
  bool found = false;
  connection.read([&](pqxx::transaction_base& tx) {
    if (!dj::table_exists(tx, fbe, recording.table)) return;
    found = true;
    const auto graph = dj::Dependencies::load(tx, {fbe});
    for (const auto* edge : graph.parents_of(recording))
      (edge->primary ? session : device) = edge->parent;
    if (!session) return;
    const auto lab = dj::Dependencies::load(tx, {session->schema});
    std::vector<dj::TableRef> referenced;
    for (const auto* edge : lab.parents_of(*session))
      if (edge->primary) referenced.push_back(edge->parent);
    if (referenced.size() == 1) subject = referenced.front();
  });
  if (!found) return std::nullopt;
  if (!session)
    throw std::runtime_error(fbe +
                             ".VideoRecording references no session table: the schema "
                             "was not declared by this pipeline");
  if (*session == dj::TableRef{prefix + "session", "session"}) return Upstream{};
  Upstream upstream;
  upstream.session = name_of(connection, *session);
  if (device) upstream.device = name_of(connection, *device);
  if (subject) upstream.subject = name_of(connection, *subject);
  return upstream;
}

void check_upstream(const dj::Table& session, const std::optional<dj::Table>& subject) {
  if (!subject) return;
  const auto session_key = session.heading().primary_key();
  for (const auto& name : subject->heading().primary_key()) {
    if (std::find(session_key.begin(), session_key.end(), name) == session_key.end())
      throw std::invalid_argument("upstream subject " + subject->schema_name() + "." +
                                  subject->class_name() + ": its key attribute '" + name +
                                  "' is not in the key of the session table " +
                                  session.schema_name() + "." + session.class_name() +
                                  " (a subject's sessions carry its key)");
  }
}

std::string linked_definition(const std::string& definition, const Upstream& upstream) {
  static const std::regex reference(R"(^\s*->\s*(session\.Session|lab\.Device)\s*(#.*)?$)");
  std::istringstream lines(definition);
  std::string line, linked;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, reference)) {
      if (m[1].str() == "lab.Device") {
        if (upstream.device.empty()) continue;  // the lab names no devices
        line = "-> lab." + class_of(upstream.device);
      } else {
        line = "-> session." + class_of(upstream.session);
      }
    }
    linked += line + "\n";
  }
  return linked;
}

}  // namespace pipeline::detail
