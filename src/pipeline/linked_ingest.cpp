#include "pipeline/linked_ingest.hpp"

#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "csv_fields.hpp"
#include "dj/sql.hpp"
#include "pipeline/upstream.hpp"

namespace pipeline {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

/// The manifest's columns: where each value goes.
struct Columns {
  std::vector<std::string> session, device;  ///< attribute names
  const dj::Heading* session_heading;
  const dj::Heading* device_heading;  ///< null without a Device
  std::vector<std::string> all() const {
    std::vector<std::string> names = session;
    names.push_back("recording_id");
    names.insert(names.end(), device.begin(), device.end());
    names.push_back("file_path");
    return names;
  }
};

/// The header's columns, each one the manifest must have and named once.
std::vector<std::string> checked_header(const std::string& where, std::string line,
                                        const Columns& columns) {
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a spreadsheet's byte-order mark
  const auto header = detail::csv_fields(line);
  const auto expected = columns.all();
  const std::set<std::string> known(expected.begin(), expected.end());
  std::set<std::string> seen;
  for (const auto& name : header) {
    if (!known.count(name))
      throw std::invalid_argument(where + ", column " + name +
                                  ": unknown column (the pipeline is "
                                  "linked under the lab's tables; columns: " +
                                  joined(expected) + ")");
    if (!seen.insert(name).second)
      throw std::invalid_argument(where + ", column " + name + ": named twice");
  }
  for (const auto& name : expected)
    if (!seen.count(name)) throw std::invalid_argument(where + ": no '" + name + "' column");
  return header;
}

dj::Value cell(const std::string& where, const dj::Heading& heading, const std::string& name,
               const std::string& text) {
  try {
    return typed_attribute_value(heading, name, text);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(where + ", column " + name + ": " + error.what());
  }
}

}  // namespace

std::vector<LinkedRecording> read_linked_manifest(const Pipeline& pipe,
                                                  const std::filesystem::path& path) {
  if (path.extension() != ".csv")
    throw std::invalid_argument(path.string() +
                                ": a manifest for a pipeline linked under the "
                                "lab's tables is a .csv file");
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot be opened as a manifest");
  const dj::Table recording_table = pipe.table("facial_behavior_estimation.VideoRecording");
  const dj::Heading& recording_heading = recording_table.heading();
  Columns columns{pipe.session_key(), {}, &pipe.session_table().heading(), nullptr};
  if (pipe.device_table()) {
    columns.device = pipe.device_table()->heading().primary_key();
    columns.device_heading = &pipe.device_table()->heading();
  }
  const std::string file = path.string();
  std::string line;
  if (!std::getline(in, line))
    throw std::invalid_argument(file + " line 1: empty file, expected a header");
  const auto header = checked_header(file + " line 1", line, columns);

  std::vector<LinkedRecording> recordings;
  std::map<std::string, size_t> index;  // the recording key's display -> its entry
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = file + " line " + std::to_string(line_no);
    std::vector<std::string> fields;
    try {
      fields = detail::csv_fields(line);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument(where + ": " + error.what());
    }
    if (fields.size() != header.size())
      throw std::invalid_argument(where + ": " + std::to_string(fields.size()) +
                                  " fields, the header has " + std::to_string(header.size()));
    std::map<std::string, std::string> text;
    for (size_t i = 0; i < header.size(); ++i) text[header[i]] = fields[i];
    LinkedRecording entry{{}, {}, {}, where};
    for (const auto& name : columns.session)
      entry.key.set(name, cell(where, *columns.session_heading, name, text[name]));
    entry.key.set("recording_id",
                  cell(where, recording_heading, "recording_id", text["recording_id"]));
    for (const auto& name : columns.device)
      entry.device.set(name, cell(where, *columns.device_heading, name, text[name]));
    if (text["file_path"].empty())
      throw std::invalid_argument(where +
                                  ", column file_path: '' is empty; a video file is "
                                  "required");
    const auto [it, added] = index.emplace(entry.key.to_display(), recordings.size());
    if (added) {
      recordings.push_back(entry);
    } else if (!(recordings[it->second].device == entry.device)) {
      throw std::invalid_argument(where + ": device " + entry.device.to_display() +
                                  " differs from " + recordings[it->second].device.to_display() +
                                  " given for recording " + it->first + " at " +
                                  recordings[it->second].origin + " (one value can be stored)");
    }
    auto& files = recordings[it->second].files;
    for (const auto& earlier : files)
      if (earlier == text["file_path"])
        throw std::invalid_argument(where + ", column file_path: '" + earlier +
                                    "' is listed twice for recording " + it->first);
    files.push_back(text["file_path"]);
  }
  return recordings;
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
