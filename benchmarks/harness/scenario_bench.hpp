#pragma once
// Registers scenarios x parameter bindings x regimes as Google Benchmark benchmarks for one
// framework, and the harness rows: harness/empty_adapter/hot (the harness's own cost) and
// harness/calibration/hot (the A/A control, a fixed C++ loop). Names (the contract with
// legion-compare): <scenario_id>[/<param>=<value>]*/<regime>, regime one of construction,
// hot, concurrency (the concurrent pattern). Every benchmark validates its outcome; a wrong
// answer or an unstable hash is SkipWithError (no time) and counted in failures(), so the
// process can exit non-zero (Google Benchmark 1.7.1 exits 0 after SkipWithError). An
// unsupported scenario is registered and skipped with "unsupported: <reason>", not counted.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapter.hpp"

namespace legion::harness {

// The harness is built on the adapter layer: its vocabulary (Adapter, Scenario, Outcome...).
using namespace legion::adapters;

struct BenchOptions {
  std::string framework;
  RunConfig config;  // seed and latency; parameters are filled per binding
  bool smoke = false;
  bool empty_adapter = true;  // also register harness/empty_adapter/hot
  bool calibration = true;    // also register harness/calibration/hot (whatever --scenario says)
  // Process CPU spent before the framework started on work that is not the framework's (the
  // start-up calibration loop): left out of the cold start's cpu_ns.
  double cpu_ns_not_cold_start = 0.0;
  // Builds each adapter instance; empty: make_adapter(framework). The HTTP transport wraps
  // the framework's adapter here (http_transport.hpp).
  std::function<std::unique_ptr<Adapter>()> make;
  // false against a real model (--endpoint): outcomes are checked for structure only
  // (check_structure) and may differ between runs.
  bool deterministic = true;
};

class ScenarioBench {
 public:
  ScenarioBench(std::vector<Scenario> catalog, BenchOptions options);
  ~ScenarioBench();
  // Registers every benchmark; returns their names with "  (unsupported: ...)" where so.
  std::vector<std::string> register_all();
  std::size_t failures() const;
  const Adapter& adapter() const;
  // Brings the framework up (Adapter::start) and keeps the report for the cold-start
  // regime; call before register_all(). Throws what start() throws.
  void start();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace legion::harness
