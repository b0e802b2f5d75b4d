// RFC 4180 fields (quotes, doubled quotes, commas inside quotes), written by hand: no CSV
// library is packaged for Debian 12's C++ tool chain.

#include "csv_fields.hpp"

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

}  // namespace pipeline::detail
