#pragma once
// Small text helpers shared by the dj layer's parsers.

#include <string>
#include <vector>

namespace dj {

/// Without leading and trailing whitespace.
std::string trim(const std::string& text);
/// ASCII lower case.
std::string to_lower(std::string text);
/// Split on `separator` outside single/double quotes and parentheses.
std::vector<std::string> split(const std::string& text, char separator);
/// Position of the first `c` outside quotes and parentheses, or npos.
size_t find_unquoted(const std::string& text, char c, size_t from = 0);
/// The items joined by `separator`.
std::string join(const std::vector<std::string>& items, const std::string& separator);

}  // namespace dj
