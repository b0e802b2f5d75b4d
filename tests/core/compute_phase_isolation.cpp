// A typed computation whose compute phase is pure, and, with REACH_DATABASE defined, one whose
// compute phase tries to read the target table. The first is compiled with the tests (a build
// that fails here is a failed check); the second must not compile: compute() is static, so it
// has no object whose connection or tables it could use (dj/computation.hpp). CTest builds it
// and expects the compiler's refusal (tests/CMakeLists.txt).

#include "dj/computation.hpp"

namespace {

struct Inputs {
  int value = 0;
  bool operator==(const Inputs&) const = default;
};

struct Doubled : dj::Computation<Doubled, Inputs, int> {
  using Computation::Computation;
  Inputs fetch(const dj::Row& key) { return {key.get<int>("value")}; }
  static int compute(const Inputs& inputs) {
#ifdef REACH_DATABASE
    return static_cast<int>((target() & dj::Row{{"value", inputs.value}}).count());
#else
    return 2 * inputs.value;
#endif
  }
  void insert(const dj::Row& key, const int& doubled, dj::MakeInserter& out) {
    out.insert1(target(), {{"value", key.get<int>("value")}, {"doubled", doubled}});
  }
};

}  // namespace

// Instantiates the class template's members.
dj::AutoPopulate* make_doubled(dj::Table table) {
  return new Doubled(std::move(table));
}
