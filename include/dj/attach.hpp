#pragma once
// The bytes of an `<attach>` column: the file's base name in UTF-8, one NUL, then the file's
// contents (no blob header, no compression), as datajoint-python 2.x stores them.

#include <filesystem>
#include <string>
#include <string_view>

#include "dj/value.hpp"

namespace dj {

/// The stored bytes of an attachment. Throws std::invalid_argument when the file name is empty
/// or contains NUL or '/' (it must be a base name).
std::string pack_attachment(const Attachment& attachment);

/// The file name and contents of stored attachment bytes. Throws std::invalid_argument when
/// there is no NUL separating a non-empty name from the contents.
Attachment unpack_attachment(std::string_view stored);

/// An attachment holding the file at `path` under its base name. Throws std::runtime_error
/// naming the file when it cannot be read.
Attachment read_attachment(const std::filesystem::path& path);

}  // namespace dj
