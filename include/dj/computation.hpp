#pragma once
// A typed three-phase make(), as datajoint-python's make_fetch / make_compute / make_insert:
// what the fetch phase reads is all the compute phase sees, and it is checked again before the
// results are inserted.
//
//   struct Inputs {
//     double value;
//     bool operator==(const Inputs&) const = default;
//   };
//   class Doubled : public dj::Computation<Doubled, Inputs, double> {
//    public:
//     using Computation::Computation;
//     Inputs fetch(const dj::Row& key);                  // every read the make needs
//     static double compute(const Inputs& inputs);       // no database in reach
//     void insert(const dj::Row& key, const double& doubled, dj::MakeInserter& out);
//   };
//
// populate() calls fetch(key), then compute() outside any transaction, then, in the insert
// transaction, fetch(key) again: when the second read differs from the first (Fetched's ==),
// the key fails with "the inputs of ... changed while they were computed" and nothing is
// inserted (datajoint-python compares a hash of make_fetch's result the same way).
//
// compute() is a static member: it has no `this`, so it cannot name the computation's
// connection, tables or pipeline, and a compute phase that tries to read the database does not
// compile. Keep Fetched plain data (rows, values, paths), never a table or a connection.

#include <memory>
#include <optional>

#include "dj/populate.hpp"

namespace dj {

/// The computation of one Imported or Computed table in three typed phases. `Derived` declares
/// `Fetched fetch(const Row& key)`, `static Computed compute(const Fetched&)` and
/// `void insert(const Row& key, const Computed&, MakeInserter&)`, public.
template <class Derived, class Fetched, class Computed>
class Computation : public AutoPopulate {
 public:
  using AutoPopulate::AutoPopulate;

 private:
  /// One key's make: the first read and the results, kept between the phases.
  class Phases final : public PhasedMake {
   public:
    Phases(Derived& table, Row key) : table_(table), key_(std::move(key)) {}
    void fetch() override { fetched_.emplace(table_.fetch(key_)); }
    void compute() override { computed_.emplace(Derived::compute(*fetched_)); }
    bool inputs_unchanged() override { return table_.fetch(key_) == *fetched_; }
    void insert(MakeInserter& out) override { table_.insert(key_, *computed_, out); }

   private:
    Derived& table_;
    Row key_;
    std::optional<Fetched> fetched_;
    std::optional<Computed> computed_;
  };

  std::unique_ptr<PhasedMake> phased_make(const Row& key) final {
    return std::make_unique<Phases>(static_cast<Derived&>(*this), key);
  }
};

}  // namespace dj
