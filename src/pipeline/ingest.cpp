#include "pipeline/ingest.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "manifest_rows.hpp"
#include "dj/calendar.hpp"
#include "dj/sql.hpp"
#include "dj/table.hpp"

namespace pipeline {
namespace {

/// One CSV row or one YAML/JSON entry, as written, before its values are checked.
using detail::ManifestRow;

enum class Kind { text, integer, date, datetime, sex };

struct Field {
  const char* name;
  Kind kind;
  bool required;  ///< an empty value is refused (optional empty values take their defaults)
};

// Every field a manifest may give; any other column or key is refused, so that a misspelt one
// (`sesion_id`) is not dropped in silence.
constexpr Field kFields[] = {
    {"subject", Kind::text, true},
    {"sex", Kind::sex, false},
    {"subject_birth_date", Kind::date, false},
    {"subject_nickname", Kind::text, false},
    {"session_datetime", Kind::datetime, true},
    {"session_id", Kind::integer, false},
    {"session_dir", Kind::text, false},
    {"recording_id", Kind::integer, true},
    {"device", Kind::text, false},
    {"modality", Kind::text, false},  // of a device to add to lab.Device
    {"device_description", Kind::text, false},
};

/// The rows that describe one subject, session or recording must agree on its attributes:
/// only one value can be stored.
struct Scope {
  const char* what;
  std::vector<std::string> key;
  std::vector<std::string> attributes;
};

const std::vector<Scope>& scopes() {
  static const std::vector<Scope> all = {
      {"device", {"device"}, {"modality", "device_description"}},
      {"subject", {"subject"}, {"sex", "subject_birth_date", "subject_nickname"}},
      {"session", {"subject", "session_datetime"}, {"session_id", "session_dir"}},
      {"recording", {"subject", "session_datetime", "recording_id"}, {"device"}},
  };
  return all;
}

std::string known_fields(const char* files_field) {
  std::string names;
  for (const Field& field : kFields) names += std::string(field.name) + ", ";
  return names + files_field;
}

std::string field_error(const ManifestRow& row, const std::string& field, const std::string& value,
                        const std::string& reason) {
  return row.where + ", " + row.label + " " + field + ": '" + value + "' " + reason;
}

/// Where a row's video files are given: CSV's column or YAML's key.
const char* files_field(const ManifestRow& row) {
  return row.label == "column" ? "file_path" : "files";
}

std::optional<int> parse_int(const std::string& text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// "YYYY-MM-DD" or, where `time` is allowed, "YYYY-MM-DD HH:MM:SS" (or with ISO's 'T'), as
/// "YYYY-MM-DD HH:MM:SS" so that rows of one session compare equal however they write it;
/// nothing for any other form (a day-first or month-first date is not guessed at).
std::optional<std::string> iso_date(const std::string& text, bool time) {
  static const std::regex pattern(R"(^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?$)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern) || (m[4].matched && !time)) return std::nullopt;
  if (!dj::is_calendar_day(std::stoi(m[1].str()), std::stoi(m[2].str()), std::stoi(m[3].str())))
    return std::nullopt;
  if (!time) return text;
  if (!m[4].matched) return text + " 00:00:00";
  if (std::stoi(m[4].str()) > 23 || std::stoi(m[5].str()) > 59 || std::stoi(m[6].str()) > 59)
    return std::nullopt;
  return m[1].str() + "-" + m[2].str() + "-" + m[3].str() + " " + m[4].str() + ":" + m[5].str() +
         ":" + m[6].str();
}

/// The value as it will be stored; throws naming the row, the field and the value when it
/// cannot be.
std::string checked_value(const ManifestRow& row, const Field& field, const std::string& value) {
  const auto refuse = [&](const std::string& reason) {
    throw std::invalid_argument(field_error(row, field.name, value, reason));
  };
  if (value.empty()) {
    if (field.required) refuse("is empty; a value is required");
    return value;
  }
  switch (field.kind) {
    case Kind::integer:
      if (!parse_int(value)) refuse("is not an integer");
      return std::to_string(*parse_int(value));
    case Kind::sex:
      if (value != "M" && value != "F" && value != "U") refuse("is not M, F or U");
      return value;
    case Kind::date:
    case Kind::datetime: {
      const bool time = field.kind == Kind::datetime;
      const auto iso = iso_date(value, time);
      if (!iso)
        refuse(time ? "is not an ISO 8601 date (YYYY-MM-DD[ HH:MM:SS])"
                    : "is not an ISO 8601 date (YYYY-MM-DD)");
      return *iso;
    }
    case Kind::text:
      break;
  }
  return value;
}

std::string value_of(const ManifestRow& row, const std::string& field) {
  const auto it = row.values.find(field);
  return it == row.values.end() ? "" : it->second;
}

void check_values(ManifestRow& row) {
  for (const Field& field : kFields) {
    const auto it = row.values.find(field.name);
    if (it != row.values.end()) it->second = checked_value(row, field, it->second);
  }
  if (!value_of(row, "device_description").empty() && value_of(row, "modality").empty())
    throw std::invalid_argument(field_error(row, "device_description",
                                            value_of(row, "device_description"),
                                            "describes a device without its modality (give the "
                                            "modality too, to add the device to lab.Device)"));
  if (row.files.empty())
    throw std::invalid_argument(row.where + ": no video file (give at least one)");
  for (const auto& file : row.files) {
    if (file.empty())
      throw std::invalid_argument(
          field_error(row, files_field(row), file, "is empty; a video file is required"));
  }
}

std::string scope_key(const ManifestRow& row, const Scope& scope) {
  std::string key;
  for (const auto& field : scope.key) key += field + "=" + value_of(row, field) + ", ";
  return "{" + key.substr(0, key.size() - 2) + "}";
}

/// Refuses rows of one subject, session or recording that give it different attributes.
void check_agreement(const std::vector<ManifestRow>& rows) {
  for (const Scope& scope : scopes()) {
    std::map<std::string, const ManifestRow*> first;
    for (const ManifestRow& row : rows) {
      const auto [it, added] = first.emplace(scope_key(row, scope), &row);
      if (added) continue;
      for (const auto& attribute : scope.attributes) {
        const std::string earlier = value_of(*it->second, attribute);
        if (value_of(row, attribute) != earlier)
          throw std::invalid_argument(field_error(
              row, attribute, value_of(row, attribute),
              "differs from '" + earlier + "' given for " + scope.what + " " + it->first + " at " +
                  it->second->where + " (one value can be stored)"));
      }
    }
  }
}

RecordingEntry entry_of(const ManifestRow& row) {
  const auto get = [&](const char* field, const std::string& fallback = "") {
    const std::string value = value_of(row, field);
    return value.empty() ? fallback : value;
  };
  RecordingEntry entry;
  entry.subject = get("subject");
  entry.sex = get("sex", "U");
  entry.subject_birth_date = get("subject_birth_date");
  entry.subject_nickname = get("subject_nickname");
  entry.session_datetime = get("session_datetime");
  entry.session_dir = get("session_dir");
  entry.recording_id = *parse_int(get("recording_id", "0"));
  entry.device = get("device", "camera0");
  entry.device_modality = get("modality");
  entry.device_description = get("device_description");
  if (!get("session_id").empty()) entry.session_id = *parse_int(get("session_id"));
  entry.origin = row.where;
  return entry;
}

/// The recordings of checked rows: rows of one recording, wherever they stand, give its files
/// in their order; a file listed twice for one recording is refused (it would be read twice).
std::vector<RecordingEntry> recordings_of(const std::vector<ManifestRow>& rows) {
  std::vector<RecordingEntry> entries;
  std::map<std::string, size_t> index;
  std::map<std::string, std::map<std::string, std::string>> listed;  // recording -> file -> where
  const Scope& recording = scopes().back();                          // its key is VideoRecording's
  for (const ManifestRow& row : rows) {
    const std::string key = scope_key(row, recording);
    const auto [it, added] = index.emplace(key, entries.size());
    if (added) entries.push_back(entry_of(row));
    for (const auto& file : row.files) {
      const auto [earlier, first] = listed[key].emplace(file, row.where);
      if (!first)
        throw std::invalid_argument(field_error(
            row, files_field(row), file,
            "is listed twice for recording " + key + " (also at " + earlier->second + ")"));
      entries[it->second].files.push_back(file);
      entries[it->second].file_origins.push_back(row.where);
    }
  }
  return entries;
}

std::vector<RecordingEntry> checked_recordings(std::vector<ManifestRow> rows) {
  for (ManifestRow& row : rows) check_values(row);
  check_agreement(rows);
  return recordings_of(rows);
}

/// The header's columns, each known and named once, with the required ones present.
std::vector<std::string> csv_header(const std::string& where, std::string line) {
  // Spreadsheets save "CSV UTF-8" with a byte-order mark, which is not part of the first name.
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  const auto header = detail::csv_fields(line);
  std::set<std::string> known = {"file_path"};
  for (const Field& field : kFields) known.insert(field.name);
  std::set<std::string> seen;
  for (const auto& name : header) {
    if (!known.count(name))
      throw std::invalid_argument(where + ", column " + name +
                                  ": unknown column (known: " + known_fields("file_path") + ")");
    if (!seen.insert(name).second)
      throw std::invalid_argument(where + ", column " + name + ": named twice");
  }
  for (const char* required : {"subject", "session_datetime", "recording_id", "file_path"}) {
    if (!seen.count(required))
      throw std::invalid_argument(where + ": no '" + required + "' column");
  }
  return header;
}

std::vector<ManifestRow> read_csv(std::istream& in, const std::string& file) {
  std::string line;
  if (!std::getline(in, line))
    throw std::invalid_argument(file + " line 1: empty file, expected a header");
  return detail::csv_rows(in, file, csv_header(file + " line 1", line));
}

ManifestRow row_from_yaml(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap()) throw std::invalid_argument(where + ": expected a mapping");
  ManifestRow row{where, "key", {}, {}};
  for (const auto& item : node) {
    const std::string key = item.first.as<std::string>();
    if (key == "files") continue;
    const bool known = std::any_of(std::begin(kFields), std::end(kFields),
                                   [&](const Field& field) { return key == field.name; });
    if (!known)
      throw std::invalid_argument(where + ", key " + key +
                                  ": unknown key (known: " + known_fields("files") + ")");
    row.values[key] = detail::yaml_scalar(row, key, item.second);
  }
  for (const char* required : {"subject", "session_datetime"}) {
    if (!row.values.count(required))
      throw std::invalid_argument(where + ": missing '" + required + "'");
  }
  // A YAML or JSON recording without an id is recording 0 (the CSV header must name it).
  if (!row.values.count("recording_id")) row.values["recording_id"] = "0";
  const YAML::Node files = node["files"];
  if (!files || !files.IsSequence() || files.size() == 0)
    throw std::invalid_argument(where + ": 'files' must be a non-empty list");
  for (const auto& file : files) row.files.push_back(detail::yaml_scalar(row, "files", file));
  return row;
}

std::vector<ManifestRow> read_yaml(std::istream& in, const std::string& file) {
  // YAML is a superset of JSON: one reader serves both.
  const YAML::Node root = YAML::Load(in);
  if (!root.IsMap() || !root["recordings"] || !root["recordings"].IsSequence())
    throw std::invalid_argument(file + ": expected a top-level 'recordings' list");
  for (const auto& item : root) {
    if (item.first.as<std::string>() != "recordings")
      throw std::invalid_argument(file + ", key " + item.first.as<std::string>() +
                                  ": unknown key (the manifest holds 'recordings' alone)");
  }
  std::vector<ManifestRow> rows;
  for (size_t i = 0; i < root["recordings"].size(); ++i) {
    const YAML::Node node = root["recordings"][i];
    rows.push_back(row_from_yaml(node, file + " line " + std::to_string(node.Mark().line + 1) +
                                           " (recordings[" + std::to_string(i) + "])"));
  }
  return rows;
}

}  // namespace

std::vector<RecordingEntry> read_manifest(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot be opened as a manifest");
  const std::string extension = path.extension().string();
  if (extension == ".csv") return checked_recordings(read_csv(in, path.string()));
  if (extension != ".yaml" && extension != ".yml" && extension != ".json") {
    throw std::invalid_argument(
        path.string() + " has an unknown extension (a manifest is .csv, .yaml, .yml or .json)");
  }
  try {
    return checked_recordings(read_yaml(in, path.string()));
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument(path.string() + ": not YAML or JSON (" + e.what() + ")");
  }
}

dj::Row recording_key(const RecordingEntry& entry) {
  return {{"subject", entry.subject},
          {"session_datetime", entry.session_datetime},
          {"recording_id", entry.recording_id}};
}

namespace {

/// A refusal already named by the manifest line it concerns (a file's own line).
struct LocatedError : dj::InsertError {
  using dj::InsertError::InsertError;
};

/// The tables ingest writes, and what it has added to them.
struct IngestTables {
  Pipeline& pipe;
  dj::Table device, subject, session, directory, recording, file;
  IngestCounts counts;
};

/// The entry's device: added when the entry describes it, else lab.Device must have it.
void ensure_device(IngestTables& tables, const RecordingEntry& e) {
  if (!e.device_modality.empty()) {
    tables.counts.devices +=
        add_device(tables.pipe, {e.device, e.device_modality, e.device_description});
    return;
  }
  if ((tables.device & dj::Row{{"device", e.device}}).exists()) return;
  std::string listed;
  for (const auto& row : tables.device.fetch())
    listed += (listed.empty() ? "" : ", ") + row.get<std::string>("device");
  throw dj::InsertError("device '" + e.device + "' is not in lab.Device (it has: " + listed +
                        "); add it with `fmpipe device add " + e.device +
                        " --modality video --description TEXT`, or give the manifest modality "
                        "and device_description columns (keys in YAML or JSON)");
}

// Inserts a row unless its key exists; returns 1 when it was added.
long long added(const dj::Table& table, const dj::Row& row) {
  if ((table & row.project(table.heading().primary_key())).exists()) return 0;
  table.insert1(row);
  return 1;
}

void ingest_entry(IngestTables& tables, const RecordingEntry& e) {
  ensure_device(tables, e);
  dj::Row subject_row = {
      {"subject", e.subject}, {"sex", e.sex}, {"subject_nickname", e.subject_nickname}};
  subject_row.set("subject_birth_date",
                  e.subject_birth_date.empty() ? dj::Value() : dj::Value(e.subject_birth_date));
  tables.counts.subjects += added(tables.subject, subject_row);
  const dj::Row session_key = {{"subject", e.subject}, {"session_datetime", e.session_datetime}};
  dj::Row session_row = session_key;
  session_row.set("session_id", e.session_id ? dj::Value(*e.session_id) : dj::Value());
  tables.counts.sessions += added(tables.session, session_row);
  if (!e.session_dir.empty()) {
    dj::Row dir = session_key;
    dir.set("session_dir", e.session_dir);
    dj::InsertOptions skip;
    skip.skip_duplicates = true;
    tables.directory.insert1(dir, skip);
  }
  dj::Row recording_row = recording_key(e);
  recording_row.set("device", e.device);
  const long long new_recording = added(tables.recording, recording_row);
  tables.counts.recordings += new_recording;
  if (!new_recording) return;  // an existing recording keeps its files
  for (size_t i = 0; i < e.files.size(); ++i) {
    dj::Row file_row = recording_key(e);
    file_row.set("file_id", static_cast<int>(i));
    file_row.set("file_path", e.files[i]);
    try {
      tables.file.insert1(file_row);
    } catch (const dj::InsertError& error) {
      if (i >= e.file_origins.size()) throw;
      throw LocatedError(e.file_origins[i] + ": " + error.what());
    }
    ++tables.counts.files;
  }
}

}  // namespace

IngestCounts ingest(Pipeline& pipe, const std::vector<RecordingEntry>& entries) {
  IngestTables tables{pipe,
                      pipe.table("lab.Device"),
                      pipe.table("subject.Subject"),
                      pipe.table("session.Session"),
                      pipe.table("session.SessionDirectory"),
                      pipe.table("facial_behavior_estimation.VideoRecording"),
                      pipe.table("facial_behavior_estimation.VideoRecording.File"),
                      {}};
  dj::Connection::Transaction transaction(pipe.connection());
  for (const auto& e : entries) {
    try {
      ingest_entry(tables, e);
    } catch (const LocatedError&) {
      throw;
    } catch (const dj::InsertError& error) {
      // A value that does not fit (a new subject without a birth date, an id too long) or a
      // device lab.Device lacks is named by the manifest row it came from.
      if (e.origin.empty()) throw;
      throw dj::InsertError(e.origin + ": " + error.what());
    } catch (const dj::QueryError& error) {
      if (e.origin.empty()) throw;
      throw dj::QueryError(e.origin + ": " + error.what(), error.sqlstate());
    }
  }
  transaction.commit();
  return tables.counts;
}

namespace {

/// What a field holds, as a user writes it.
std::string kind_help(Kind kind) {
  switch (kind) {
    case Kind::integer:
      return "an integer";
    case Kind::date:
      return "a date, YYYY-MM-DD";
    case Kind::datetime:
      return "a date and time, YYYY-MM-DD HH:MM:SS (or YYYY-MM-DD for midnight)";
    case Kind::sex:
      return "M, F or U";
    case Kind::text:
      break;
  }
  return "text";
}

}  // namespace

std::string manifest_format_help() {
  // The defaults entry_of() gives an empty or missing optional value.
  const std::map<std::string, std::string> defaults = {
      {"sex", "U"}, {"device", "camera0"}, {"recording_id", "0, in YAML and JSON only"}};
  std::string text =
      "Manifest: the recordings to ingest, one row per video file (CSV) or one entry per\n"
      "recording (YAML, JSON). Subjects, sessions and recordings that exist are kept.\n\n"
      "Columns (CSV) or keys (YAML, JSON):\n";
  const auto line = [&](const std::string& name, bool required, const std::string& what) {
    std::string padded = "  " + name;
    padded.resize(std::max<size_t>(padded.size() + 1, 22), ' ');
    text += padded + (required ? "required  " : "optional  ") + what + "\n";
  };
  for (const Field& field : kFields) {
    const auto fallback = defaults.find(field.name);
    line(field.name, field.required,
         kind_help(field.kind) +
             (fallback == defaults.end() ? "" : " (default " + fallback->second + ")"));
  }
  line("file_path", true, "CSV: one video file, relative to a data root (FACEMAP_ROOT_DATA_DIR)");
  line("files", true, "YAML, JSON: the recording's video files in time order, a list");
  return text +
         "\nFormats, by extension:\n"
         "  .csv        a header naming the columns (subject, session_datetime, recording_id\n"
         "              and file_path are required), then one row per video file; the rows of\n"
         "              one recording (same subject, session_datetime and recording_id),\n"
         "              wherever they stand, give its files in time order\n"
         "  .yaml .yml  {recordings: [{subject: ..., session_datetime: ..., files: [...]}, ...]}\n"
         "  .json       the same in JSON: {\"recordings\": [{...}, ...]}\n"
         "Unknown columns or keys, values not of their kind, empty required values, a file\n"
         "listed twice, and rows of one subject, session or recording that disagree are\n"
         "refused, naming the file, line, column and value.\n"
         "\nExample (CSV):\n"
         "  subject,sex,session_datetime,recording_id,device,file_path\n"
         "  m1,M,2024-05-06 07:08:09,0,camera0,m1/s1/face_part1.avi\n"
         "  m1,M,2024-05-06 07:08:09,0,camera0,m1/s1/face_part2.avi\n"
         "\nExample (YAML):\n"
         "  recordings:\n"
         "    - subject: m1\n"
         "      sex: M\n"
         "      session_datetime: \"2024-05-06 07:08:09\"\n"
         "      files: [m1/s1/face_part1.avi, m1/s1/face_part2.avi]\n";
}

bool add_device(Pipeline& pipe, const Device& device) {
  const dj::Table devices = pipe.table("lab.Device");
  const auto stored = (devices & dj::Row{{"device", device.device}}).fetch();
  if (stored.empty()) {
    devices.insert1({{"device", device.device},
                     {"modality", device.modality},
                     {"description", device.description}});
    return true;
  }
  const std::string modality = stored[0].get<std::string>("modality");
  const std::string description = stored[0].get<std::string>("description");
  if (modality != device.modality)
    throw dj::InsertError("device '" + device.device + "' is in lab.Device with modality '" +
                          modality + "', not '" + device.modality + "'");
  if (!device.description.empty() && description != device.description)
    throw dj::InsertError("device '" + device.device + "' is in lab.Device with description '" +
                          description + "', not '" + device.description + "'");
  return false;
}

}  // namespace pipeline
