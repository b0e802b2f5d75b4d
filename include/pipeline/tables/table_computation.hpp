#pragma once
// The base of the pipeline's computed tables: a typed three-phase make() (dj/computation.hpp)
// of one target table, whose fetch and insert phases have the pipeline and its data roots at
// hand. The compute phase is static and sees only what fetch returned.

#include <string>

#include "dj/computation.hpp"
#include "pipeline/paths.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

template <class Derived, class Fetched, class Computed>
class TableComputation : public dj::Computation<Derived, Fetched, Computed> {
 public:
  /// `table` is "<schema>.<Class>" of the target.
  TableComputation(Pipeline& pipe, DataRoots roots, const std::string& table)
      : dj::Computation<Derived, Fetched, Computed>(pipe.table(table)),
        pipe_(pipe),
        roots_(std::move(roots)) {}

 protected:
  Pipeline& pipe_;
  DataRoots roots_;
};

}  // namespace pipeline
