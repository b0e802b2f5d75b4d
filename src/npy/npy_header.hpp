#pragma once
// The header literal of a .npy file, without the container around it. Private to src/npy.

#include <string>
#include <string_view>

#include "npy/npy_file.hpp"

namespace npy {

/// Parses the header text; throws std::invalid_argument naming what is wrong.
Header parse_header(std::string_view text);

/// The header text as numpy writes it (without the padding).
std::string format_header(const Header& header);

}  // namespace npy
