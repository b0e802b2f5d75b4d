// populate() overheads, measured against a throwaway embedded PostgreSQL:
//   - per-key overhead of an empty make(), with and without the job queue (target: < 5 ms);
//   - speedup of 2 worker processes over 1 on CPU-bound keys (ideal: 2 on 2 cores).
// Prints "figure <name> <value> <unit>" lines.

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "bench_database.hpp"
#include "dj/populate.hpp"
#include "dj/schema.hpp"

namespace {

/// Inserts the result of a fixed amount of arithmetic per key (0 iterations: an empty make).
/// A fixed amount, not a fixed time, so that two workers sharing a core would show it.
class Busy : public dj::AutoPopulate {
 public:
  Busy(dj::Table target, long iterations)
      : AutoPopulate(std::move(target)), iterations_(iterations) {}
  void make(const dj::Row& key, dj::MakeInserter& out) override {
    double x = 0;
    for (long i = 0; i < iterations_; ++i) x = std::sqrt(x + static_cast<double>(i));
    out.insert1(target(), {{"item", key.get<int>("item")}, {"value", x}});
  }

 private:
  long iterations_;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

dj::Schema fresh_schema(dj::Connection& connection, const std::string& name, int keys) {
  dj::Schema schema = bench::fresh_schema(connection, name);
  schema.declare("Item", dj::Tier::manual, "item : int");
  schema.declare("Output", dj::Tier::computed, "-> Item\n---\nvalue : double");
  std::vector<dj::Row> rows;
  for (int i = 0; i < keys; ++i) rows.push_back({{"item", i}});
  schema.table("Item").insert(rows);
  return schema;
}

/// Runs `workers` worker processes over the schema and returns the wall time.
double run_workers(const std::string& url, const std::string& schema_name, int workers,
                   long iterations) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<pid_t> pids;
  for (int w = 0; w < workers; ++w) {
    const pid_t pid = fork();
    if (pid == 0) {
      dj::Connection own(url);
      Busy busy(dj::Schema(own, schema_name, false).table("Output"), iterations);
      dj::run_worker({&busy});
      _exit(0);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) waitpid(pid, nullptr, 0);
  return seconds_since(start);
}

}  // namespace

int main() {
  const std::string url = bench::database_url();
  dj::Connection connection(url);

  constexpr int kEmptyKeys = 500;
  {
    auto schema = fresh_schema(connection, "bench_populate_empty", kEmptyKeys);
    Busy empty(schema.table("Output"), 0);
    const auto start = std::chrono::steady_clock::now();
    empty.populate();
    std::printf("figure populate_empty_make_overhead %.3f ms/key\n",
                1e3 * seconds_since(start) / kEmptyKeys);
  }
  {
    auto schema = fresh_schema(connection, "bench_populate_empty", kEmptyKeys);
    Busy empty(schema.table("Output"), 0);
    dj::PopulateOptions reserved;
    reserved.reserve_jobs = true;
    const auto start = std::chrono::steady_clock::now();
    empty.populate(reserved);
    std::printf("figure populate_empty_make_overhead_reserved %.3f ms/key\n",
                1e3 * seconds_since(start) / kEmptyKeys);
  }
  constexpr int kBusyKeys = 40;
  constexpr long kIterations = 30'000'000;  // about 0.1 s per key here
  fresh_schema(connection, "bench_populate_busy", kBusyKeys);
  const double one = run_workers(url, "bench_populate_busy", 1, kIterations);
  fresh_schema(connection, "bench_populate_busy", kBusyKeys);
  const double two = run_workers(url, "bench_populate_busy", 2, kIterations);
  std::printf("figure populate_one_worker_time %.3f s\n", one);
  std::printf("figure populate_two_workers_time %.3f s\n", two);
  std::printf("figure populate_two_worker_speedup %.2f x\n", one / two);
  pqxx::nontransaction work(connection.native());
  work.exec("DROP SCHEMA IF EXISTS bench_populate_empty CASCADE");
  work.exec("DROP SCHEMA IF EXISTS bench_populate_busy CASCADE");
  return 0;
}
