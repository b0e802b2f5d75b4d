#include "dj/attach.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace dj {

std::string pack_attachment(const Attachment& attachment) {
  const std::string& name = attachment.filename;
  if (name.empty() || name.find_first_of(std::string("/\0", 2)) != std::string::npos)
    throw std::invalid_argument("attachment file name '" + name +
                                "' must be a non-empty base name without '/' or NUL");
  std::string stored = name;
  stored += '\0';
  return stored += attachment.contents;
}

Attachment unpack_attachment(std::string_view stored) {
  const std::size_t separator = stored.find('\0');
  if (separator == 0 || separator == std::string_view::npos)
    throw std::invalid_argument("attachment bytes (" + std::to_string(stored.size()) +
                                " bytes) do not start with a file name and NUL");
  return Attachment{std::string(stored.substr(0, separator)),
                    std::string(stored.substr(separator + 1))};
}

Attachment read_attachment(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("attachment file " + path.string() + ": cannot be opened");
  std::string contents(std::istreambuf_iterator<char>(in), {});
  if (in.bad()) throw std::runtime_error("attachment file " + path.string() + ": read failed");
  return Attachment{path.filename().string(), std::move(contents)};
}

}  // namespace dj
