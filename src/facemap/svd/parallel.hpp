#pragma once
// Task parallelism for the engines: Eigen's products run on one thread each (the project does not
// build Eigen with OpenMP), so independent products (motion and movie, one region and another)
// run side by side on the machine's cores instead.

#include <functional>

namespace facemap::detail {

/// Runs body(0) .. body(count - 1), each once, on up to as many threads as the machine has cores
/// (the calling thread is one of them). Returns when all have finished; rethrows the first
/// exception any of them threw.
void parallel_for(int count, const std::function<void(int)>& body);

}  // namespace facemap::detail
