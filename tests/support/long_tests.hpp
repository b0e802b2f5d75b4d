#pragma once
// The long variants of the reliability tests (seconds to minutes each) run only when asked for,
// with FMPIPE_LONG_TESTS=1; otherwise they are skipped with a message that says how to run them.

#include <string>

namespace fmtest {

/// Whether FMPIPE_LONG_TESTS=1 is set.
bool long_tests_enabled();

/// The skip message: how to run the long variant `test_filter` (a ctest -R pattern).
std::string long_test_hint(const std::string& test_filter);

}  // namespace fmtest
