#include "pipeline/linked_ingest.hpp"

#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "manifest_rows.hpp"
#include "dj/sql.hpp"
#include "name_list.hpp"
#include "pipeline/upstream.hpp"

namespace pipeline {
namespace {

using detail::joined;

/// What the manifest must give: the session's key, recording_id, the device's key.
struct Columns {
  std::vector<std::string> session, device;  ///< attribute names
  const dj::Heading* session_heading;
  const dj::Heading* device_heading;  ///< null without a Device
  const dj::Heading* recording_heading;
  std::vector<std::string> values() const {
    std::vector<std::string> names = session;
    names.push_back("recording_id");
    names.insert(names.end(), device.begin(), device.end());
    return names;
  }
};

/// One CSV row or one YAML/JSON entry, as written.
using detail::ManifestRow;

/// The names of `columns` and `files_field`, for messages.
std::string known(const Columns& columns, const std::string& files_field) {
  return joined(columns.values()) + ", " + files_field;
}

std::vector<ManifestRow> csv_rows(std::istream& in, const std::string& file,
                                 const Columns& columns) {
  std::string line;
  if (!std::getline(in, line))
    throw std::invalid_argument(file + " line 1: empty file, expected a header");
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a spreadsheet's byte-order mark
  const auto header = detail::csv_fields(line);
  auto expected = columns.values();
  expected.push_back("file_path");
  const std::set<std::string> names(expected.begin(), expected.end());
  std::set<std::string> seen;
  for (const auto& name : header) {
    if (!names.count(name))
      throw std::invalid_argument(file + " line 1, column " + name +
                                  ": unknown column (the pipeline is linked under the lab's "
                                  "tables; columns: " +
                                  known(columns, "file_path") + ")");
    if (!seen.insert(name).second)
      throw std::invalid_argument(file + " line 1, column " + name + ": named twice");
  }
  for (const auto& name : expected)
    if (!seen.count(name)) throw std::invalid_argument(file + " line 1: no '" + name + "' column");

  return detail::csv_rows(in, file, header);
}

// YAML is a superset of JSON: one reader serves both.
std::vector<ManifestRow> yaml_rows(std::istream& in, const std::string& file,
                                  const Columns& columns) {
  const YAML::Node root = YAML::Load(in);
  if (!root.IsMap() || root.size() != 1 || !root["recordings"] || !root["recordings"].IsSequence())
    throw std::invalid_argument(file + ": expected a top-level 'recordings' list alone");
  const auto expected = columns.values();
  const std::set<std::string> names(expected.begin(), expected.end());
  std::vector<ManifestRow> rows;
  for (const auto& node : root["recordings"]) {
    ManifestRow row{file + " line " + std::to_string(node.Mark().line + 1), "key", {}, {}};
    if (!node.IsMap()) throw std::invalid_argument(row.where + ": expected a mapping");
    for (const auto& item : node) {
      const std::string key = item.first.as<std::string>();
      if (key == "files") continue;
      if (!names.count(key))
        throw std::invalid_argument(row.where + ", key " + key +
                                    ": unknown key (the pipeline is linked under the lab's "
                                    "tables; keys: " +
                                    known(columns, "files") + ")");
      row.values[key] = detail::yaml_scalar(row, key, item.second);
    }
    // As in the default manifest, a YAML or JSON recording without an id is recording 0.
    if (!row.values.count("recording_id")) row.values["recording_id"] = "0";
    for (const auto& name : expected)
      if (!row.values.count(name))
        throw std::invalid_argument(row.where + ": missing '" + name + "'");
    const YAML::Node files = node["files"];
    if (!files || !files.IsSequence() || files.size() == 0)
      throw std::invalid_argument(row.where + ": 'files' must be a non-empty list");
    for (const auto& path : files) row.files.push_back(detail::yaml_scalar(row, "files", path));
    rows.push_back(std::move(row));
  }
  return rows;
}

dj::Value typed(const ManifestRow& row, const dj::Heading& heading, const std::string& name) {
  try {
    return typed_attribute_value(heading, name, row.values.at(name));
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(row.where + ", " + row.label + " " + name + ": " + error.what());
  }
}

/// The recordings of the rows, each value of its attribute's type: rows of one recording,
/// wherever they stand, give its files in their order.
std::vector<LinkedRecording> recordings_of(const std::vector<ManifestRow>& rows,
                                           const Columns& columns) {
  std::vector<LinkedRecording> recordings;
  std::map<std::string, size_t> index;  // the recording key's display -> its entry
  for (const ManifestRow& row : rows) {
    LinkedRecording entry{{}, {}, {}, row.where};
    for (const auto& name : columns.session)
      entry.key.set(name, typed(row, *columns.session_heading, name));
    entry.key.set("recording_id", typed(row, *columns.recording_heading, "recording_id"));
    for (const auto& name : columns.device)
      entry.device.set(name, typed(row, *columns.device_heading, name));
    const auto [it, added] = index.emplace(entry.key.to_display(), recordings.size());
    LinkedRecording& recording = added ? recordings.emplace_back(entry) : recordings[it->second];
    if (!(recording.device == entry.device))
      throw std::invalid_argument(row.where + ": device " + entry.device.to_display() +
                                  " differs from " + recording.device.to_display() +
                                  " given for recording " + it->first + " at " + recording.origin +
                                  " (one value can be stored)");
    const std::string files_field = row.label == "column" ? "file_path" : "files";
    for (const auto& file : row.files) {
      if (file.empty())
        throw std::invalid_argument(row.where + ", " + row.label + " " + files_field +
                                    ": '' is empty; a video file is required");
      for (const auto& earlier : recording.files)
        if (earlier == file)
          throw std::invalid_argument(row.where + ", " + row.label + " " + files_field + ": '" +
                                      file + "' is listed twice for recording " + it->first);
      recording.files.push_back(file);
    }
  }
  return recordings;
}

}  // namespace

std::vector<LinkedRecording> read_linked_manifest(const Pipeline& pipe,
                                                  const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot be opened as a manifest");
  const dj::Table recording_table = pipe.table("facial_behavior_estimation.VideoRecording");
  Columns columns{
      pipe.session_key(), {}, &pipe.session_table().heading(), nullptr, &recording_table.heading()};
  if (pipe.device_table()) {
    columns.device = pipe.device_table()->heading().primary_key();
    columns.device_heading = &pipe.device_table()->heading();
  }
  const std::string extension = path.extension().string();
  if (extension == ".csv") return recordings_of(csv_rows(in, path.string(), columns), columns);
  if (extension != ".yaml" && extension != ".yml" && extension != ".json")
    throw std::invalid_argument(
        path.string() + " has an unknown extension (a manifest is .csv, .yaml, .yml or .json)");
  try {
    return recordings_of(yaml_rows(in, path.string(), columns), columns);
  } catch (const YAML::Exception& error) {
    throw std::invalid_argument(path.string() + ": not YAML or JSON (" + error.what() + ")");
  }
}

IngestCounts ingest_linked(Pipeline& pipe, const std::vector<LinkedRecording>& recordings) {
  const dj::Table recording_table = pipe.table("facial_behavior_estimation.VideoRecording");
  const dj::Table file_table = pipe.table("facial_behavior_estimation.VideoRecording.File");
  const dj::Table& session = pipe.session_table();
  IngestCounts counts;
  dj::Connection::Transaction transaction(pipe.connection());
  for (const auto& entry : recordings) {
    const dj::Row session_key = entry.key.project(pipe.session_key());
    if (!(session & session_key).exists())
      throw std::invalid_argument(entry.origin + ": session " + session_key.to_display() +
                                  " is not in the lab's " + session.schema_name() + "." +
                                  session.class_name() + " (ingest adds recordings, not sessions)");
    if (pipe.device_table() && !(*pipe.device_table() & entry.device).exists())
      throw std::invalid_argument(entry.origin + ": device " + entry.device.to_display() +
                                  " is not in the lab's " + pipe.device_table()->schema_name() +
                                  "." + pipe.device_table()->class_name());
    if ((recording_table & entry.key).exists()) continue;  // an existing recording keeps its files
    dj::Row row = entry.key;
    for (size_t i = 0; i < entry.device.size(); ++i)
      row.set(entry.device.names()[i], entry.device.values()[i]);
    try {
      recording_table.insert1(row);
      for (size_t i = 0; i < entry.files.size(); ++i) {
        dj::Row file_row = entry.key;
        file_row.set("file_id", static_cast<int>(i));
        file_row.set("file_path", entry.files[i]);
        file_table.insert1(file_row);
      }
    } catch (const dj::QueryError& error) {
      throw dj::QueryError(entry.origin + ": " + error.what(), error.sqlstate());
    }
    ++counts.recordings;
    counts.files += static_cast<long long>(entry.files.size());
  }
  transaction.commit();
  return counts;
}

}  // namespace pipeline
