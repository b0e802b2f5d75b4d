#pragma once
// Reading a manifest's rows, shared by the default manifest (ingest.cpp) and a linked one
// (linked_ingest.cpp): CSV lines split into fields, and YAML values that must be single.

#include <istream>
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace pipeline::detail {

/// One recording's fields as a manifest wrote them.
struct ManifestRow {
  std::string where;  ///< "<file> line N" (YAML: "<file> line N (recordings[i])")
  std::string label;  ///< what a field is called in this format: "column" or "key"
  std::map<std::string, std::string> values;  ///< field -> text as written
  std::vector<std::string> files;
};

/// The fields of one CSV line (RFC 4180 quoting; a '\r' outside quotes is dropped). Throws
/// std::invalid_argument("unclosed quote") on an unclosed quote.
std::vector<std::string> csv_fields(const std::string& line);

/// The rows after a CSV header that `in` has been read past, one per non-blank line: each field
/// under its header's column, a "file_path" field as the row's file. Throws
/// std::invalid_argument naming the file and line of a malformed line or a wrong field count.
std::vector<ManifestRow> csv_rows(std::istream& in, const std::string& file,
                                  const std::vector<std::string>& header);

/// A YAML value that must be a single value ("" for null). Throws std::invalid_argument naming
/// the row and the key for a list or mapping.
std::string yaml_scalar(const ManifestRow& row, const std::string& key, const YAML::Node& node);

}  // namespace pipeline::detail
