#include "pipeline/pipeline.hpp"

#include <cstdlib>
#include <stdexcept>

#include "dj/identifiers.hpp"
#include "dj/settings.hpp"
#include "pipeline/config_locations.hpp"
#include "upstream_link.hpp"

namespace pipeline {

std::string Pipeline::default_prefix() {
  if (const char* env = std::getenv("FMPIPE_SCHEMA_PREFIX")) return env;
  const auto config = dj::read_config_file(config_locations());
  if (auto it = config.find("schema_prefix"); it != config.end() && it->is_string())
    return it->get<std::string>();
  return "fm_";
}

namespace {

/// The schemas of schemas/ that a lab's own tables replace when the pipeline is linked.
bool replaced_by_upstream(const std::string& schema) {
  return schema == "lab" || schema == "subject" || schema == "session";
}

/// What the pipeline attaches to: what its database holds, else what the caller names.
Upstream chosen_upstream(dj::Connection& connection, const std::string& prefix,
                         const Upstream& given) {
  const auto attached = detail::attached_upstream(connection, prefix);
  if (!attached) return given;
  if (given.linked() && (given.session != attached->session || given.device != attached->device))
    throw std::invalid_argument(
        "the pipeline " + prefix + "* is attached to " +
        (attached->linked() ? attached->display() : "its own " + prefix + "session schema") +
        " (VideoRecording's foreign keys), not to the configured " + given.display() +
        "; use another --prefix to link elsewhere");
  Upstream chosen = *attached;
  if (!given.subject.empty()) chosen.subject = given.subject;
  return chosen;
}

}  // namespace

Pipeline::Pipeline(dj::Connection& connection, std::string prefix)
    : Pipeline(connection, std::move(prefix), Upstream::configured()) {}

Pipeline::Pipeline(dj::Connection& connection, std::string prefix, const Upstream& upstream)
    : connection_(&connection), prefix_(std::move(prefix)) {
  upstream_ = chosen_upstream(connection, prefix_, upstream);
  std::map<std::string, dj::Schema> lab;  // alias in schemas/ -> the lab's schema
  if (linked()) {
    session_ = detail::upstream_table(connection, upstream_.session, "session");
    lab.emplace("session", dj::Schema(connection, session_->schema_name(), false));
    if (!upstream_.device.empty()) {
      device_ = detail::upstream_table(connection, upstream_.device, "device");
      lab.emplace("lab", dj::Schema(connection, device_->schema_name(), false));
    }
    if (!upstream_.subject.empty())
      subject_ = detail::upstream_table(connection, upstream_.subject, "subject");
    detail::check_upstream(*session_, subject_);
  }
  for (const auto& spec : builtin_schemas()) {
    if (linked() && replaced_by_upstream(spec.name)) continue;
    dj::Schema schema(connection, prefix_ + spec.name);
    for (const auto& used : spec.uses) {
      if (!linked()) {
        schema.link(used, this->schema(used));
      } else if (lab.count(used)) {
        schema.link(used, lab.at(used));
      } else if (!replaced_by_upstream(used)) {
        schema.link(used, this->schema(used));
      }
    }
    for (const auto& table : spec.tables) {
      const std::string definition =
          linked() ? detail::linked_definition(table.definition, upstream_) : table.definition;
      if (table.tier == dj::Tier::part) {
        schema.declare_part(table.master, table.class_name, definition);
      } else if (table.tier == dj::Tier::lookup) {
        schema.declare_lookup(table.class_name, definition, table.contents);
      } else {
        schema.declare(table.class_name, table.tier, definition);
      }
    }
    schemas_.emplace_back(spec.name, schema);
  }
  if (!linked()) {
    session_ = table("session.Session");
    device_ = table("lab.Device");
    subject_ = table("subject.Subject");
  }
}

std::vector<std::string> Pipeline::session_key() const {
  return session_->heading().primary_key();
}

std::vector<std::string> Pipeline::recording_key() const {
  return table("facial_behavior_estimation.VideoRecording").heading().primary_key();
}

dj::Schema& Pipeline::schema(const std::string& name) {
  for (auto& [schema_name, schema] : schemas_) {
    if (schema_name == name) return schema;
  }
  if (linked() && replaced_by_upstream(name))
    throw std::invalid_argument("the pipeline has no schema '" + name +
                                "': it is linked under the lab's tables (" + upstream_.display() +
                                ")");
  throw std::invalid_argument("the pipeline has no schema '" + name + "'");
}

const dj::Schema& Pipeline::schema(const std::string& name) const {
  return const_cast<Pipeline*>(this)->schema(name);
}

dj::Table Pipeline::table(const std::string& name) const {
  const size_t dot = name.find('.');
  if (dot == std::string::npos) {
    throw std::invalid_argument("name tables as <schema>.<Class>, not '" + name + "'");
  }
  return schema(name.substr(0, dot)).table(name.substr(dot + 1));
}

std::vector<std::string> Pipeline::table_names() const {
  std::vector<std::string> names;
  for (const auto& [schema_name, schema] : schemas_) {
    for (const auto& class_name : schema.class_names())
      names.push_back(schema_name + "." + class_name);
  }
  return names;
}

std::map<std::string, std::string> Pipeline::ddl_scripts(const std::string& shown_prefix) const {
  std::map<std::string, std::string> scripts;
  const auto rename = [&](std::string text) {
    for (const auto& [schema_name, schema] : schemas_) {
      const std::string from = prefix_ + schema_name, to = shown_prefix + schema_name;
      for (size_t at = text.find(from); at != std::string::npos;
           at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
      }
    }
    return text;
  };
  for (const auto& [schema_name, schema] : schemas_) {
    if (schema.declarations().empty()) continue;
    std::string script = "-- " + shown_prefix + schema_name + ": generated from schemas/" +
                         schema_name +
                         ".dj by the declaration layer (fmpipe init --write-sql); do not edit.\n\n"
                         "CREATE SCHEMA " +
                         dj::quote_identifier(shown_prefix + schema_name) + ";\n\n";
    for (const auto& declaration : schema.declarations()) {
      script += rename(dj::declaration_script(declaration));
      for (const auto& [attribute, origin] : declaration.lineage) {
        script += "INSERT INTO " + dj::qualified_name(shown_prefix + schema_name, "~lineage") +
                  " (table_name, attribute_name, lineage) VALUES (" +
                  dj::quote_literal(declaration.table) + ", " + dj::quote_literal(attribute) +
                  ", " + dj::quote_literal(rename(origin)) + ");\n";
      }
      script += "\n";
    }
    scripts[schema_name] = script;
  }
  return scripts;
}

}  // namespace pipeline
