#pragma once
// The adaptive run: legion-bench processes of every framework in a seeded interleaved order,
// within a time budget (docs/harness.md, "scripts/bench and the run driver").
//   1. Sample: three full processes per framework (every row needs 2; a regime's geometric mean
//      is taken over the processes that ran all its rows, and 3 give its interval 2 degrees of
//      freedom), the second and third only when the budget allows them, predicted from the
//      first (else DriverError, "budget too small"); and cold-start processes (start, first
//      run, exit) up to `cold_starts` per framework.
//   2. Look: legion-compare over the kept processes (--looks N: the family's error rate is
//      split over the N looks planned in advance).
//   3. Replicate: re-run flagged full processes (interference, A/A outliers) their framework
//      needs for its 3, off the top; re-run the other flagged ones with up to half of the
//      round; spend the rest of the round's share of the budget where intervals are widest per
//      second (planner.hpp), filtering each process to the rows it needs (--benchmark_filter);
//      look again. Stops when every row is precise, after N looks, or when the budget is spent.
//      No optional process starts whose forecast (duration_forecast.hpp) would end past the
//      budget; it is skipped and recorded.
//   4. Keep 3 full: a flagged full process still without a re-run gets one after the last
//      look, when its forecast fits the budget.
//   5. Drop: a flagged process no budget or look was left to re-run leaves the comparison
//      (the last look runs again without it and with the re-runs of 4), unless its framework
//      would keep < 3 full processes (a full one) or < 2 (any other): then it stays, run.json
//      says why (`kept_flagged`) and the run is disturbed (exit 3).
// Timed processes never overlap. Progress goes to `progress`; the run's summary to `out`.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "driver/interference.hpp"
#include "driver/launcher.hpp"

namespace legion::driver {

struct DriverOptions {
  std::filesystem::path bin_dir;        // legion-bench, legion-compare
  std::filesystem::path out_dir;        // the run directory (created)
  std::vector<std::string> frameworks;  // empty: every one legion-bench lists
  std::string baseline = "legion";
  std::string scenario;       // legion-bench --scenario
  std::string model_latency;  // legion-bench --model-latency ("" = its default)
  // legion-bench --transport: "inproc" or "http". Over HTTP legion-compare names every
  // framework NAME@http; the driver compares against baseline@http and reads the names back
  // without the suffix.
  std::string transport = "inproc";
  std::uint64_t seed = 42;
  double budget_s = 600;
  double precision = 0.10;  // relative half-width that ends a row's replication
  int looks = 4;            // sequential analyses planned (the error rate is split over them)
  int cold_starts = 10;     // cold-start samples per framework
  int repetitions = 1;      // per row and process: processes replicate, not repetitions
  double min_time_s = 0.05;
  bool smoke = false;                  // legion-bench --smoke: 2 processes, no replication
  std::optional<int> fixed_processes;  // N full processes per framework, no replication
  bool accept_disturbed = false;
  std::filesystem::path python;  // CPython for the calibration loop ("" = none)
  std::vector<std::string> command_line;
  InterferenceLimits limits;
};

// Exit status: 0 done; 1 some process failed validation; 3 the run is disturbed (A/A gate or
// interference) and accept_disturbed is off. Throws DriverError (one line, exit 2) for bad
// input, a failed step, or a budget too small for one sample of every row.
int run_driver(const DriverOptions& options, Launcher& launcher, std::ostream& out,
               std::ostream& progress);

// "^(a|b)(/|$)" over row names, regex metacharacters escaped: a --benchmark_filter.
std::string rows_filter(const std::vector<std::string>& rows);

}  // namespace legion::driver
