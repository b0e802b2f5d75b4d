#include "dj/sql.hpp"

#include <cctype>
#include <stdexcept>

namespace dj {
namespace {
// A byte that cannot occur in SQL text we build (identifiers are validated, literals are
// parameters), used to mark parameter positions until render().
constexpr char kMarker = '\x01';
}  // namespace

SqlFragment& SqlFragment::param(SqlParam value) {
  text += kMarker;
  params.push_back(std::move(value));
  return *this;
}

SqlFragment& SqlFragment::operator+=(const SqlFragment& other) {
  text += other.text;
  params.insert(params.end(), other.params.begin(), other.params.end());
  return *this;
}

std::string SqlFragment::render() const {
  std::string out;
  out.reserve(text.size() + params.size() * 3);
  size_t n = 0;
  for (char c : text) {
    if (c == kMarker) {
      out += "$" + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

SqlFragment operator+(SqlFragment a, const SqlFragment& b) {
  return a += b;
}
SqlFragment operator+(SqlFragment a, const std::string& b) {
  return a += b;
}
SqlFragment operator+(const std::string& a, const SqlFragment& b) {
  return SqlFragment(a) += b;
}

SqlFragment join_fragments(const std::vector<SqlFragment>& parts, const std::string& separator) {
  SqlFragment out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

SqlFragment fragment_from_placeholders(const std::string& sql,
                                       const std::vector<SqlParam>& params) {
  if (sql.find(kMarker) != std::string::npos) {
    throw std::invalid_argument("condition '" + sql + "' contains a control character");
  }
  SqlFragment out;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      out.text += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out.text += c;
      continue;
    }
    if (c == '$' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      size_t j = i + 1;
      while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) ++j;
      const size_t index = std::stoul(sql.substr(i + 1, j - i - 1));
      if (index == 0 || index > params.size()) {
        throw std::invalid_argument("condition '" + sql + "' uses $" + std::to_string(index) +
                                    " but " + std::to_string(params.size()) +
                                    " value(s) were given");
      }
      out.param(params[index - 1]);
      i = j - 1;
      continue;
    }
    out.text += c;
  }
  if (quote) throw std::invalid_argument("condition '" + sql + "' has an unclosed quote");
  return out;
}

pqxx::result execute(pqxx::transaction_base& tx, const SqlFragment& sql,
                     const std::string& context) {
  try {
    return tx.exec_params(sql.render(), pqxx::prepare::make_dynamic_params(sql.params));
  } catch (const pqxx::sql_error& e) {
    std::string message = e.what();
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw QueryError(context.empty() ? message : context + ": " + message, e.sqlstate());
  }
}

}  // namespace dj
