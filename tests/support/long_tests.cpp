#include "support/long_tests.hpp"

#include <cstdlib>

namespace fmtest {

bool long_tests_enabled() {
  const char* value = std::getenv("FMPIPE_LONG_TESTS");
  return value != nullptr && std::string(value) == "1";
}

std::string long_test_hint(const std::string& test_filter) {
  return "a long variant: run it with FMPIPE_LONG_TESTS=1, e.g. FMPIPE_LONG_TESTS=1 ctest "
         "-L reliability -R " +
         test_filter;
}

}  // namespace fmtest
