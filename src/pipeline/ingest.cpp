#include "pipeline/ingest.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

namespace pipeline {
namespace {

// RFC 4180 fields (quotes, doubled quotes, commas inside quotes), written by hand: no CSV
// library is packaged for Debian 12's C++ tool chain.
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  if (quoted) throw std::invalid_argument("unclosed quote");
  return fields;
}

std::vector<RecordingEntry> read_csv(std::istream& in) {
  std::string line;
  if (!std::getline(in, line)) throw std::invalid_argument("line 1: empty file, expected a header");
  const auto header = csv_fields(line);
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
  for (const char* required : {"subject", "session_datetime", "recording_id", "file_path"}) {
    if (!column.count(required))
      throw std::invalid_argument(std::string("line 1: no '") + required + "' column");
  }
  std::vector<RecordingEntry> entries;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = "line " + std::to_string(line_no);
    std::vector<std::string> fields;
    try {
      fields = csv_fields(line);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + ": " + e.what());
    }
    if (fields.size() != header.size()) {
      throw std::invalid_argument(where + ": " + std::to_string(fields.size()) +
                                  " fields, the header has " + std::to_string(header.size()));
    }
    const auto get = [&](const std::string& name, const std::string& fallback = "") {
      auto it = column.find(name);
      return it == column.end() || fields[it->second].empty() ? fallback : fields[it->second];
    };
    RecordingEntry entry;
    entry.subject = get("subject");
    entry.sex = get("sex", "U");
    entry.subject_birth_date = get("subject_birth_date");
    entry.subject_nickname = get("subject_nickname");
    entry.session_datetime = get("session_datetime");
    entry.session_dir = get("session_dir");
    entry.device = get("device", "camera0");
    try {
      entry.recording_id = std::stoi(get("recording_id"));
    } catch (const std::exception&) {
      throw std::invalid_argument(where + ": recording_id '" + get("recording_id") +
                                  "' is not an integer");
    }
    const std::string file = get("file_path");
    if (entry.subject.empty() || entry.session_datetime.empty() || file.empty()) {
      throw std::invalid_argument(where +
                                  ": subject, session_datetime and file_path must not be empty");
    }
    if (!entries.empty() && entries.back().subject == entry.subject &&
        entries.back().session_datetime == entry.session_datetime &&
        entries.back().recording_id == entry.recording_id) {
      entries.back().files.push_back(file);
    } else {
      entry.files.push_back(file);
      entries.push_back(std::move(entry));
    }
  }
  return entries;
}

RecordingEntry entry_from_yaml(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap()) throw std::invalid_argument(where + ": expected a mapping");
  const auto text = [&](const char* key, const std::string& fallback, bool required) {
    if (!node[key]) {
      if (required) throw std::invalid_argument(where + ": missing '" + key + "'");
      return fallback;
    }
    return node[key].as<std::string>();
  };
  RecordingEntry entry;
  entry.subject = text("subject", "", true);
  entry.sex = text("sex", "U", false);
  entry.subject_birth_date = text("subject_birth_date", "", false);
  entry.subject_nickname = text("subject_nickname", "", false);
  entry.session_datetime = text("session_datetime", "", true);
  entry.session_dir = text("session_dir", "", false);
  entry.device = text("device", "camera0", false);
  entry.recording_id = node["recording_id"] ? node["recording_id"].as<int>() : 0;
  if (!node["files"] || !node["files"].IsSequence() || node["files"].size() == 0) {
    throw std::invalid_argument(where + ": 'files' must be a non-empty list");
  }
  for (const auto& file : node["files"]) entry.files.push_back(file.as<std::string>());
  return entry;
}

}  // namespace

std::vector<RecordingEntry> read_manifest(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("manifest " + path.string() + ": cannot be opened");
  const std::string extension = path.extension().string();
  try {
    if (extension == ".csv") return read_csv(in);
    if (extension != ".yaml" && extension != ".yml" && extension != ".json") {
      throw std::invalid_argument("unknown extension (use .csv, .yaml, .yml or .json)");
    }
    // YAML is a superset of JSON: one reader serves both.
    const YAML::Node root = YAML::Load(in);
    if (!root["recordings"] || !root["recordings"].IsSequence()) {
      throw std::invalid_argument("expected a top-level 'recordings' list");
    }
    std::vector<RecordingEntry> entries;
    for (size_t i = 0; i < root["recordings"].size(); ++i) {
      entries.push_back(
          entry_from_yaml(root["recordings"][i], "recordings[" + std::to_string(i) + "]"));
    }
    return entries;
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument("manifest " + path.string() + ": " + e.what());
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("manifest " + path.string() + ": " + e.what());
  }
}

dj::Row recording_key(const RecordingEntry& entry) {
  return {{"subject", entry.subject},
          {"session_datetime", entry.session_datetime},
          {"recording_id", entry.recording_id}};
}

IngestCounts ingest(Pipeline& pipe, const std::vector<RecordingEntry>& entries) {
  IngestCounts counts;
  dj::InsertOptions skip;
  skip.skip_duplicates = true;
  const auto subject = pipe.table("subject.Subject");
  const auto session = pipe.table("session.Session");
  const auto directory = pipe.table("session.SessionDirectory");
  const auto recording = pipe.table("facial_behavior_estimation.VideoRecording");
  const auto file = pipe.table("facial_behavior_estimation.VideoRecording.File");
  // Inserts a row unless its key exists; returns 1 when it was added.
  const auto added = [](const dj::Table& table, const dj::Row& row,
                        const dj::InsertOptions&) -> long long {
    if ((table & row.project(table.heading().primary_key())).exists()) return 0;
    table.insert1(row);
    return 1;
  };
  dj::Connection::Transaction transaction(pipe.connection());
  for (const auto& e : entries) {
    dj::Row subject_row = {
        {"subject", e.subject}, {"sex", e.sex}, {"subject_nickname", e.subject_nickname}};
    subject_row.set("subject_birth_date",
                    e.subject_birth_date.empty() ? dj::Value() : dj::Value(e.subject_birth_date));
    counts.subjects += added(subject, subject_row, skip);
    const dj::Row session_key = {{"subject", e.subject}, {"session_datetime", e.session_datetime}};
    counts.sessions += added(session, session_key, skip);
    if (!e.session_dir.empty()) {
      dj::Row dir = session_key;
      dir.set("session_dir", e.session_dir);
      directory.insert1(dir, skip);
    }
    dj::Row recording_row = recording_key(e);
    recording_row.set("device", e.device);
    const long long new_recording = added(recording, recording_row, skip);
    counts.recordings += new_recording;
    if (!new_recording) continue;  // an existing recording keeps its files
    for (size_t i = 0; i < e.files.size(); ++i) {
      dj::Row file_row = recording_key(e);
      file_row.set("file_id", static_cast<int>(i));
      file_row.set("file_path", e.files[i]);
      file.insert1(file_row);
      ++counts.files;
    }
  }
  transaction.commit();
  return counts;
}

}  // namespace pipeline
