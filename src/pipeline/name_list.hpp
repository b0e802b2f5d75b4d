#pragma once
// Names listed for messages ("a, b, c"). Private to src/pipeline.

#include <string>
#include <vector>

namespace pipeline::detail {

inline std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace pipeline::detail
