#pragma once
// legion-industry scalability: throughput of the new_order transaction (two agents, an
// idempotent write to the durable store) as the number of workers grows,
//   horizontal: N worker processes (`legion-industry worker`) on one PostgreSQL store,
//   vertical:   N worker threads in one process,
// each level repeated, a backlog of tasks proportional to N drained per repetition. The
// throughputs are fitted with the Universal Scalability Law (stats/usl.hpp: contention sigma,
// coherency kappa, with bootstrap CIs and the predicted peak), and the project brief's
// criterion "overhead < 1.5x per instance" (N X(1) / X(N), with a bootstrap CI) becomes a
// verdict: pass when the whole CI lies below 1.5 at every N, fail when one lies above, else
// inconclusive. On a machine with fewer cores than N the processes share cores: the result
// says so; it does not pretend to measure added hardware.
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "industry/tpc.hpp"

namespace industry {

struct ScalabilityOptions {
  std::string framework = "legion";
  std::vector<int> instances = {1, 2, 4, 8};  // horizontal; empty: skipped
  std::vector<int> threads = {1, 2, 4, 8};    // vertical; empty: skipped
  int repetitions = 3;
  long long tasks_per_instance = 400;  // at full scale; times time_scale, at least 10
  double time_scale = 1.0;
  std::uint64_t seed = 42;
  std::string latency = "lognormal:5ms,0.5";
  std::string pg_url;  // PostgreSQL for horizontal (and vertical when given)
  std::filesystem::path out_dir;
  std::filesystem::path self;  // this executable, for the worker processes
  std::string command_line;
  std::ostream* progress = nullptr;
};

// Writes OUT/scalability.json.
BenchmarkResult run_scalability(const ScalabilityOptions& options);

// The worker process (`legion-industry worker`): prepares `concurrency` slots, runs the
// store's worker loop until SIGTERM, then exits 0.
struct WorkerProcessOptions {
  std::string store_url;   // the tasks
  std::string orders_url;  // the tools' store
  int concurrency = 1;
  int batch = 4;
  std::string id;
  std::string framework = "legion";
  std::uint64_t seed = 42;
  std::string latency = "lognormal:5ms,0.5";
};
int run_worker_process(const WorkerProcessOptions& options);

}  // namespace industry
