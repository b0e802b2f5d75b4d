#include "report_page.hpp"

#include <fstream>
#include <stdexcept>

namespace pipeline::detail {
namespace {

// Plain and legible: a readable column, the tables compact, the figures at most as wide as it.
const char* const kStyle =
    "body{font-family:sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}"
    "h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "th,td{text-align:left;padding:.2em 1em .2em 0;vertical-align:top}"
    "th{font-weight:normal;color:#666;white-space:nowrap}"
    "figure{margin:1.5em 0}img{max-width:100%;border:1px solid #ddd}"
    "figcaption{color:#444;margin-top:.3em}"
    ".note{background:#f6f6f0;border-left:4px solid #c8b560;padding:.4em .8em}";

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

ReportPage::ReportPage(std::string title) : title_(std::move(title)) {}

void ReportPage::heading(const std::string& text) {
  body_ << "<h2>" << html_escape(text) << "</h2>\n";
}

void ReportPage::table(const std::vector<std::pair<std::string, std::string>>& rows) {
  body_ << "<table>\n";
  for (const auto& [name, value] : rows)
    body_ << "<tr><th>" << html_escape(name) << "</th><td>" << html_escape(value) << "</td></tr>\n";
  body_ << "</table>\n";
}

void ReportPage::figure(const std::string& file, const std::string& caption) {
  body_ << "<figure><img src=\"" << html_escape(file) << "\" alt=\"" << html_escape(caption)
        << "\"><figcaption>" << html_escape(caption) << "</figcaption></figure>\n";
}

void ReportPage::note(const std::string& text) {
  body_ << "<p class=\"note\">" << html_escape(text) << "</p>\n";
}

void ReportPage::write(const std::filesystem::path& html) const {
  std::ofstream out(html);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
      << html_escape(title_) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<h1>"
      << html_escape(title_) << "</h1>\n"
      << body_.str() << "</body>\n</html>\n";
  if (!out.flush()) throw std::runtime_error(html.string() + ": cannot write the report page");
}

}  // namespace pipeline::detail
