#pragma once
// The base of the pipeline's computations: a three-phase make() (dj/populate.hpp) of one
// target table, with the pipeline and its data roots at hand. Subclasses override make_fetch,
// make_compute and make_insert.

#include <string>

#include "dj/populate.hpp"
#include "pipeline/paths.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

class PipelineMaker : public dj::AutoPopulate {
 public:
  /// `table` is "<schema>.<Class>" of the target.
  PipelineMaker(Pipeline& pipe, DataRoots roots, const std::string& table)
      : AutoPopulate(pipe.table(table)), pipe_(pipe), roots_(std::move(roots)) {}
  bool three_phase() const override { return true; }

 protected:
  Pipeline& pipe_;
  DataRoots roots_;
};

/// Declares a maker: its constructor and the three phases.
#define FMPIPE_DECLARE_MAKER(Name)                                                          \
  class Name : public PipelineMaker {                                                       \
   public:                                                                                  \
    Name(Pipeline& pipe, DataRoots roots);                                                  \
    std::vector<dj::Row> make_fetch(const dj::Row& key) override;                           \
    std::any make_compute(const dj::Row& key, const std::vector<dj::Row>& inputs) override; \
    void make_insert(const dj::Row& key, const std::any& computed,                          \
                     dj::MakeInserter& out) override;                                       \
  }

}  // namespace pipeline
