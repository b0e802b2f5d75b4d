// Resolving the names users give tables (table_names.hpp).

#include "pipeline/table_names.hpp"

#include <stdexcept>
#include <vector>

namespace pipeline {
namespace {

std::string listed(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

/// The names of `pipe`'s Imported and Computed tables, parents first, without their schemas.
std::vector<std::string> computed_class_names(const Pipeline& pipe) {
  std::vector<std::string> names;
  for (const auto& full_name : pipe.table_names()) {
    const auto tier = pipe.table(full_name).tier();
    if (tier == dj::Tier::imported || tier == dj::Tier::computed)
      names.push_back(class_name_of(full_name));
  }
  return names;
}

}  // namespace

std::string class_name_of(const std::string& full_name) {
  return full_name.substr(full_name.find('.') + 1);
}

std::string resolve_table_name(const Pipeline& pipe, const std::string& name) {
  const std::vector<std::string> all = pipe.table_names();
  std::vector<std::string> matches;
  for (const auto& full_name : all) {
    if (name == full_name || name == class_name_of(full_name)) matches.push_back(full_name);
  }
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) {
    throw std::invalid_argument("no table is named '" + name + "'; the tables are " + listed(all));
  }
  throw std::invalid_argument("'" + name + "' names several tables (" + listed(matches) +
                              "); name it with its schema");
}

std::string resolve_computed_table_name(const Pipeline& pipe, const std::string& name) {
  const std::string full_name = resolve_table_name(pipe, name);
  const dj::Table table = pipe.table(full_name);
  if (table.tier() == dj::Tier::imported || table.tier() == dj::Tier::computed) return full_name;
  if (table.tier() == dj::Tier::part) {
    const std::string part = class_name_of(full_name);
    const std::string master = part.substr(0, part.find('.'));
    throw std::invalid_argument(part + " is a part of " + master +
                                ", which computes it; populate " + master);
  }
  throw std::invalid_argument(class_name_of(full_name) + " is a " + dj::tier_name(table.tier()) +
                              " table, which populate does not compute; the tables it computes "
                              "are " +
                              listed(computed_class_names(pipe)));
}

}  // namespace pipeline
