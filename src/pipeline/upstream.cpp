#include "pipeline/upstream.hpp"

#include <charconv>
#include <stdexcept>

#include "dj/settings.hpp"
#include "pipeline/config_locations.hpp"
#include "name_list.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

using detail::joined;

dj::Value typed_attribute_value(const dj::Heading& heading, const std::string& name,
                                const std::string& text) {
  const dj::Attribute& attribute = heading.at(name);
  const auto refuse = [&](const std::string& kind) {
    return std::invalid_argument("'" + text + "' is not " + kind + " (" + heading.schema + "." +
                                 heading.table + "." + name + " is " + attribute.display_type() +
                                 ")");
  };
  if (text.empty())
    throw std::invalid_argument("'' is empty; " + heading.schema + "." + heading.table + "." +
                                name + " needs a value");
  if (attribute.category == dj::TypeCategory::integer) {
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) throw refuse("an integer");
    return value;
  }
  if (attribute.category == dj::TypeCategory::floating) {
    try {
      size_t used = 0;
      const double value = std::stod(text, &used);
      if (used == text.size()) return value;
    } catch (const std::exception&) {
    }
    throw refuse("a number");
  }
  // Text, dates and enums go as text: the insert and the database check them against the type.
  return text;
}

std::string Upstream::display() const {
  std::string text = "session " + session;
  if (!device.empty()) text += ", device " + device;
  if (!subject.empty()) text += ", subject " + subject;
  return text;
}

Upstream Upstream::configured() {
  const auto config = dj::read_config_file(config_locations());
  const auto found = config.find("upstream");
  Upstream upstream;
  if (found == config.end()) return upstream;
  if (!found->is_object())
    throw std::invalid_argument(
        "configuration file: \"upstream\" must be an object such as {\"session\": "
        "\"lab_session.Session\"}");
  for (const auto& [name, value] : found->items()) {
    std::string* field = name == "session"   ? &upstream.session
                         : name == "device"  ? &upstream.device
                         : name == "subject" ? &upstream.subject
                                             : nullptr;
    if (!field)
      throw std::invalid_argument("configuration file: \"upstream\" has an unknown key '" + name +
                                  "' (known: session, device, subject)");
    if (!value.is_string() || value.get<std::string>().find('.') == std::string::npos)
      throw std::invalid_argument("configuration file: \"upstream\"." + name +
                                  " must be a \"<schema>.<Class>\" text, not " + value.dump());
    *field = value.get<std::string>();
  }
  if (!upstream.linked() && (!upstream.device.empty() || !upstream.subject.empty()))
    throw std::invalid_argument(
        "configuration file: \"upstream\" names a device or subject but no session (the "
        "session is what recordings hang under)");
  return upstream;
}

dj::Row session_key_from_text(const Pipeline& pipe, const std::vector<std::string>& assignments) {
  const dj::Heading& heading = pipe.session_table().heading();
  dj::Row key;
  for (const auto& assignment : assignments) {
    const size_t equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0)
      throw std::invalid_argument("--key '" + assignment + "': write attribute=value");
    const std::string name = assignment.substr(0, equals);
    if (!heading.has(name))
      throw std::invalid_argument("--key " + name + ": the session table " + heading.schema + "." +
                                  heading.table + " has no attribute '" + name +
                                  "' (its attributes: " + joined(heading.names()) + ")");
    if (key.has(name)) throw std::invalid_argument("--key " + name + ": given twice");
    try {
      key.set(name, typed_attribute_value(heading, name, assignment.substr(equals + 1)));
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument("--key " + assignment + ": " + error.what());
    }
  }
  return key;
}

void require_full_session_key(const Pipeline& pipe, const dj::Row& key) {
  std::vector<std::string> missing;
  for (const auto& name : pipe.session_key())
    if (!key.has(name)) missing.push_back(name);
  if (!missing.empty()) {
    const dj::Heading& heading = pipe.session_table().heading();
    throw std::invalid_argument("a recording is named by the session key of " + heading.schema +
                                "." + heading.table + " (" + joined(pipe.session_key()) +
                                "); missing: " + joined(missing) + " (give --key " +
                                missing.front() + "=...)");
  }
}

}  // namespace pipeline
