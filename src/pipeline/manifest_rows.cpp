// A manifest's rows (manifest_rows.hpp). CSV fields follow RFC 4180 (quotes, doubled quotes,
// commas inside quotes) and are split by hand: no CSV library is packaged for Debian 12's C++
// tool chain.

#include "manifest_rows.hpp"

#include <stdexcept>

namespace pipeline::detail {

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

std::vector<ManifestRow> csv_rows(std::istream& in, const std::string& file,
                                  const std::vector<std::string>& header) {
  std::vector<ManifestRow> rows;
  std::string line;
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ManifestRow row{file + " line " + std::to_string(line_no), "column", {}, {}};
    std::vector<std::string> fields;
    try {
      fields = csv_fields(line);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument(row.where + ": " + error.what());
    }
    if (fields.size() != header.size())
      throw std::invalid_argument(row.where + ": " + std::to_string(fields.size()) +
                                  " fields, the header has " + std::to_string(header.size()));
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == "file_path")
        row.files.push_back(fields[i]);
      else
        row.values[header[i]] = fields[i];
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string yaml_scalar(const ManifestRow& row, const std::string& key, const YAML::Node& node) {
  if (node.IsNull()) return "";
  if (!node.IsScalar())
    throw std::invalid_argument(row.where + ", " + row.label + " " + key +
                                ": expected a single value, not a list or mapping");
  return node.Scalar();
}

}  // namespace pipeline::detail
