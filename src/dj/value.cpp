#include "dj/value.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace dj {
namespace {

/// Text as messages and logs show it: quoted, control characters escaped (a newline in a key
/// must not start a forged log line), and cut at a character boundary after 80 bytes with the
/// full size given (a 1 MB value must not fill a job table's error message).
std::string display_text(const std::string& text) {
  constexpr size_t kShown = 80;
  size_t shown = std::min(text.size(), kShown);
  while (shown > 0 && shown < text.size() &&
         (static_cast<unsigned char>(text[shown]) & 0xC0) == 0x80)
    --shown;
  std::string out = "'";
  for (size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += "'";
  if (shown < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace

std::string Value::to_display() const {
  struct Visitor {
    std::string operator()(std::monostate) const { return "NULL"; }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return nlohmann::json(v).dump(); }
    std::string operator()(const std::string& v) const { return display_text(v); }
    std::string operator()(const nlohmann::json& v) const { return v.dump(); }
    std::string operator()(const Blob& v) const {
      return "<blob " + std::to_string(v.packed.size()) + " bytes>";
    }
    std::string operator()(const Attachment& v) const { return "<attach " + v.filename + ">"; }
    std::string operator()(const Bytes& v) const {
      return "<" + std::to_string(v.data.size()) + " bytes>";
    }
  };
  return std::visit(Visitor{}, storage_);
}

Row::Row(std::initializer_list<std::pair<std::string, Value>> items) {
  auto names = std::make_shared<std::vector<std::string>>();
  for (const auto& [name, value] : items) {
    names->push_back(name);
    values_.push_back(value);
  }
  names_ = std::move(names);
}

Row::Row(std::shared_ptr<const std::vector<std::string>> names, std::vector<Value> values)
    : names_(std::move(names)), values_(std::move(values)) {
  if (names_->size() != values_.size()) {
    throw std::invalid_argument("Row: " + std::to_string(names_->size()) + " names but " +
                                std::to_string(values_.size()) + " values");
  }
}

int Row::index_of(const std::string& name) const {
  const auto& names = *names_;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Row& Row::set(const std::string& name, Value value) {
  const int index = index_of(name);
  if (index >= 0) {
    values_[static_cast<size_t>(index)] = std::move(value);
    return *this;
  }
  // Names may be shared with other rows of a fetch: copy before changing them.
  auto names = std::make_shared<std::vector<std::string>>(*names_);
  names->push_back(name);
  names_ = std::move(names);
  values_.push_back(std::move(value));
  return *this;
}

const Value& Row::operator[](const std::string& name) const {
  const int index = index_of(name);
  if (index < 0) throw std::out_of_range("row has no attribute '" + name + "'");
  return values_[static_cast<size_t>(index)];
}

namespace {
[[noreturn]] void wrong_type(const std::string& name, const Value& value, const char* wanted) {
  throw std::invalid_argument("attribute '" + name + "' holds " + value.to_display() + ", not " +
                              wanted);
}
}  // namespace

template <>
std::int64_t Row::get<std::int64_t>(const std::string& name) const {
  const Value& v = (*this)[name];
  if (v.holds<std::int64_t>()) return v.as<std::int64_t>();
  if (v.holds<bool>()) return v.as<bool>() ? 1 : 0;
  wrong_type(name, v, "an integer");
}

template <>
int Row::get<int>(const std::string& name) const {
  const std::int64_t v = get<std::int64_t>(name);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    throw std::out_of_range("attribute '" + name + "' = " + std::to_string(v) +
                            " does not fit an int");
  }
  return static_cast<int>(v);
}

template <>
double Row::get<double>(const std::string& name) const {
  const Value& v = (*this)[name];
  if (v.holds<double>()) return v.as<double>();
  if (v.holds<std::int64_t>()) return static_cast<double>(v.as<std::int64_t>());
  if (v.holds<std::string>()) {
    // decimal values arrive as text to keep their precision; convert on request.
    try {
      return std::stod(v.as<std::string>());
    } catch (const std::exception&) {
    }
  }
  wrong_type(name, v, "a number");
}

template <>
float Row::get<float>(const std::string& name) const {
  return static_cast<float>(get<double>(name));
}

template <>
bool Row::get<bool>(const std::string& name) const {
  const Value& v = (*this)[name];
  if (v.holds<bool>()) return v.as<bool>();
  if (v.holds<std::int64_t>()) return v.as<std::int64_t>() != 0;
  wrong_type(name, v, "a bool");
}

template <>
std::string Row::get<std::string>(const std::string& name) const {
  const Value& v = (*this)[name];
  if (v.holds<std::string>()) return v.as<std::string>();
  wrong_type(name, v, "text");
}

#define DJ_ROW_GET_EXACT(T, description)         \
  template <>                                    \
  T Row::get<T>(const std::string& name) const { \
    const Value& v = (*this)[name];              \
    if (v.holds<T>()) return v.as<T>();          \
    wrong_type(name, v, description);            \
  }
DJ_ROW_GET_EXACT(nlohmann::json, "JSON")
DJ_ROW_GET_EXACT(Blob, "a blob")
DJ_ROW_GET_EXACT(Attachment, "an attachment")
DJ_ROW_GET_EXACT(Bytes, "bytes")
#undef DJ_ROW_GET_EXACT

Row Row::project(const std::vector<std::string>& names) const {
  auto kept_names = std::make_shared<std::vector<std::string>>();
  std::vector<Value> kept_values;
  for (const auto& name : names) {
    const int index = index_of(name);
    if (index < 0) continue;
    kept_names->push_back(name);
    kept_values.push_back(values_[static_cast<size_t>(index)]);
  }
  return Row(std::move(kept_names), std::move(kept_values));
}

std::string Row::to_display() const {
  std::string out = "{";
  for (size_t i = 0; i < values_.size(); ++i) {
    out += (i ? ", " : "") + (*names_)[i] + ": " + values_[i].to_display();
  }
  return out + "}";
}

}  // namespace dj
