#pragma once
// The HTML page of a recording's report (pipeline/report.hpp), built section by section: a
// self-contained index.html (inline style, figures referenced by their file names) that any
// browser opens from disk.

#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace pipeline::detail {

/// `text` with &, <, > and " written as HTML entities.
std::string html_escape(const std::string& text);

/// An HTML page under construction; every text given is escaped.
class ReportPage {
 public:
  /// A page titled `title` (the browser's title and the first heading).
  explicit ReportPage(std::string title);

  /// A section heading.
  void heading(const std::string& text);
  /// A two-column table of names and values.
  void table(const std::vector<std::pair<std::string, std::string>>& rows);
  /// A figure: the image file `file` (relative to the page) with its caption.
  void figure(const std::string& file, const std::string& caption);
  /// A remark set apart from the figures: a part left out and why.
  void note(const std::string& text);

  /// Writes the page; throws std::runtime_error naming the file when it cannot.
  void write(const std::filesystem::path& html) const;

 private:
  std::string title_;
  std::ostringstream body_;
};

}  // namespace pipeline::detail
