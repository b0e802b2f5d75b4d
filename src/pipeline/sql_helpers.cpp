#include "pipeline/sql_helpers.hpp"

#include <pqxx/pqxx>

#include "dj/identifiers.hpp"
#include "sql_helper_templates.hpp"

namespace pipeline {
namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The motion and movie SVD part tables have one layout, so one template serves both.
std::string svd_views() {
  std::string sql;
  for (const auto& [kind, mask] : {std::pair<std::string, std::string>{"motion", "motmask"},
                                   std::pair<std::string, std::string>{"movie", "movmask"}}) {
    sql += replace_all(replace_all(sql_templates::svd_view(), "{kind}", kind), "{mask}", mask);
  }
  return sql;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> sql_helper_scripts(const std::string& prefix) {
  return sql_helper_scripts(prefix, {"subject", "session_datetime"});
}

std::vector<std::pair<std::string, std::string>> sql_helper_scripts(
    const std::string& prefix, const std::vector<std::string>& session_key) {
  dj::validate_schema_name(prefix + "views");
  // Attribute names are validated lower-case identifiers, so they need no quotes, and the
  // views' column names are the tables'.
  std::string key_columns;
  for (const auto& name : session_key) {
    dj::validate_attribute_name(name);
    key_columns += (key_columns.empty() ? "" : ", ") + name;
  }
  const std::vector<std::pair<std::string, std::string>> placeholders{
      {"{session_key}", key_columns},
      {"{views}", dj::quote_identifier(prefix + "views")},
      {"{fbe}", dj::quote_identifier(prefix + "facial_behavior_estimation")},
      {"{inference}", dj::quote_identifier(prefix + "facemap_inference")}};
  std::vector<std::pair<std::string, std::string>> scripts{
      {"blob_functions", sql_templates::blob_functions()},
      {"blob_jsonb", sql_templates::blob_jsonb()},
      {"facemap_views", replace_all(sql_templates::facemap_views(), "{svd_views}", svd_views())}};
  for (auto& [name, script] : scripts) {
    for (const auto& [placeholder, schema] : placeholders)
      script = replace_all(script, placeholder, schema);
  }
  return scripts;
}

void install_sql_helpers(const Pipeline& pipe) {
  pqxx::work work(pipe.connection().native());
  for (const auto& [name, script] : sql_helper_scripts(pipe.prefix(), pipe.session_key()))
    work.exec(script);
  work.commit();
}

}  // namespace pipeline
