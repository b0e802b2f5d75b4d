// The lexical check of SQL conditions written by hand (see check_sql_condition in
// dj/condition.hpp). Hand-written because it must follow PostgreSQL's own lexical rules for
// the few tokens that matter (quotes, comments, dollar quotes, parentheses, ';'), and no
// PostgreSQL lexer is available as a library.

#include <cctype>
#include <stdexcept>

#include "dj/condition.hpp"

namespace dj {
namespace {

bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

[[noreturn]] void refuse(const std::string& condition, const std::string& reason) {
  // Shown as a value is: control characters escaped, a long condition cut short.
  throw std::invalid_argument("restriction " + Value(condition).to_display() +
                              " refused: " + reason);
}

/// The index just past the quoted text that starts at `open` (a ' or "), or npos when it is
/// never closed. A doubled quote stands for itself; in E'...' strings a backslash escapes the
/// next character.
size_t end_of_quoted(const std::string& text, size_t open) {
  const char quote = text[open];
  const bool backslash_escapes = quote == '\'' && open > 0 &&
                                 (text[open - 1] == 'E' || text[open - 1] == 'e') &&
                                 (open < 2 || !is_identifier_char(text[open - 2]));
  for (size_t i = open + 1; i < text.size(); ++i) {
    if (backslash_escapes && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (i + 1 < text.size() && text[i + 1] == quote) {
        ++i;  // a doubled quote
      } else {
        return i + 1;
      }
    }
  }
  return std::string::npos;
}

}  // namespace

void check_sql_condition(const std::string& condition) {
  int depth = 0;
  for (size_t i = 0; i < condition.size(); ++i) {
    const char c = condition[i];
    const char next = i + 1 < condition.size() ? condition[i + 1] : '\0';
    if (c == '\'' || c == '"') {
      const size_t end = end_of_quoted(condition, i);
      if (end == std::string::npos) refuse(condition, std::string("unbalanced ") + c + " quote");
      i = end - 1;
    } else if (c == '\0') {
      refuse(condition, "it holds a NUL character");
    } else if (c == ';') {
      refuse(condition, "';' outside quotes (a condition is one expression, not statements)");
    } else if ((c == '-' && next == '-') || (c == '/' && next == '*')) {
      refuse(condition, "it holds an SQL comment");
    } else if (c == '$' && !std::isdigit(static_cast<unsigned char>(next)) &&
               (i == 0 || !is_identifier_char(condition[i - 1]))) {
      refuse(condition, "dollar-quoted text is not accepted; pass values as $1, $2 parameters");
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth < 0) {
      refuse(condition, "')' closes a parenthesis it did not open");
    }
  }
  if (depth != 0) refuse(condition, "a '(' is never closed");
}

}  // namespace dj
