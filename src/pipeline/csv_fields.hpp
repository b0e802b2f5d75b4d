#pragma once
// One line of a CSV manifest split into its fields (the default manifest and a linked one).

#include <string>
#include <vector>

namespace pipeline::detail {

/// The fields of one CSV line (RFC 4180 quoting; a '\r' outside quotes is dropped). Throws
/// std::invalid_argument("unclosed quote") on an unclosed quote.
std::vector<std::string> csv_fields(const std::string& line);

}  // namespace pipeline::detail
