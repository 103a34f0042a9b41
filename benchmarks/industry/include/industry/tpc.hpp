#pragma once
// legion-industry tpc: the agent transaction benchmark, modelled on TPC-C (see
// tpc_classes.hpp for the classes and docs/industry.md for the rules). Open-loop arrivals
// from the stress engine's generator, latency from the scheduled arrival (no coordinated
// omission), the mix from a shuffled card deck, a pool of terminals each holding the
// framework's prepared classes; a ramp-then-bisection search for the highest rate at which
// every class's 90th percentile stays within its limit over the steady-state window, then a
// measurement run there. Headline: agent transactions per minute at SLO.
#include <array>
#include <filesystem>
#include <iosfwd>
#include <string>

#include "industry/rate_search.hpp"
#include "industry/result_json.hpp"
#include "industry/tpc_classes.hpp"
#include "industry/workload.hpp"

namespace industry {

struct TpcOptions {
  std::string framework = "legion";
  double time_scale = 1.0;
  std::uint64_t seed = 42;
  std::filesystem::path out_dir;
  int terminals = 32;
  std::string latency = "lognormal:10ms,0.5";        // per model call
  std::array<double, kTpcClassCount> p90_limit_s{};  // filled from the class defaults
  double deferred_p90_limit_s = kDeferredP90LimitS;
  double keying_scale = 0.0;  // TPC-C's keying and think times times this (0: off)
  SearchOptions search{5.0};  // first trial at 5 tx/s
  // Full-scale phases of one trial, multiplied by time_scale (floors in docs/industry.md).
  double ramp_s = 10.0, warmup_s = 20.0, window_s = 60.0, measure_window_s = 180.0;
  std::string command_line;
  std::ostream* progress = nullptr;
};

// The defaults for every field above.
TpcOptions default_tpc_options();

// Writes OUT/tpc.json and OUT/disclosure.json and returns the result. Throws UsageError on bad
// options (before any work).
BenchmarkResult run_tpc(const TpcOptions& options);

}  // namespace industry
