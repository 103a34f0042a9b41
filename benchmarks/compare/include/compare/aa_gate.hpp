#pragma once

// The A/A gate: A/A control rows (scenario `harness`: the same C++ code in every framework's
// process) must show a ratio of 1. For each framework, the interval of each of its A/A rows
// (Banerjee's interval on the logs of the process means, level 1 - alpha / looks) must lie inside
// [0.95, 1.05]; otherwise the run is `disturbed`: something (load, another process, a
// different machine) made one framework's processes slower than another's, and every ratio of
// the run may carry that bias. A framework passes only by showing it (an interval crossing a
// bound is not a pass: more processes would settle it).
//
// Which A/A rows the gate judges: `harness/calibration/...` (a fixed ~100 us C++ work loop) when
// the run has any, else every A/A row. The ~12 ns `harness/empty_adapter/hot` differs between
// frameworks' processes by code layout alone (up to 1.15x in quiet published runs), so where the
// calibration row exists the empty adapter is shown but does not decide.
//
// Which processes it names (outliers: the driver re-runs them, drops them when no re-run is
// left): per judged A/A benchmark, over all processes of the run (every framework: the code is
// the same), a process whose mean, as a ratio to the median, lies outside [0.95, 1.05] AND
// outside Tukey's far fences of the run's processes (Q1 - 3 IQR, Q3 + 3 IQR of the logs of
// those ratios, type-7 quartiles). The bounds alone flag the machine's normal spread: on the
// 2-core VM the ~100 us calibration loop differs by ~4% (sd of the log) from process to
// process, so ~20% of a quiet run's processes lie outside +-5%. The fences alone would name a
// 2% deviation in a run whose spread is 0.1%. With fewer than kAaMinProcessesForFences
// processes no process is named: with 4 or fewer the type-7 Q3 interpolates toward the largest
// value, so a single outlier widens the fences past itself and the spread cannot be told from
// it; the framework-level intervals above still judge the run. The framework-level gate does
// not depend on which processes are named.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "stats/interval.hpp"

namespace legion::compare {

struct Row;
struct Options;

inline constexpr double kAaLower = 0.95;
inline constexpr double kAaUpper = 1.05;
// The fewest processes of an A/A benchmark from which its Tukey fences name outliers: with 5
// the type-7 Q3 is the 4th smallest value, so one outlying process lies beyond it.
inline constexpr std::size_t kAaMinProcessesForFences = 5;

// A process whose A/A mean, as a ratio to the median over all processes of the run, lies
// outside both the bounds (1.06 = 6% slower) and the run's far fences for that benchmark.
struct AaOutlier {
  std::string file;
  std::string framework;
  std::string benchmark;
  double ratio_to_median = 1.0;
};

struct AaFramework {
  std::string framework;
  std::string benchmark;  // the A/A row reported: the worst of the framework's A/A rows
  double ratio = 0.0;
  stats::Interval interval;
  std::size_t processes = 0;  // the framework's processes in that row
  // "inside" (within the bounds), "straddles" (crosses a bound), "outside" (wholly beyond one)
  std::string state;
  std::optional<std::size_t> needs_processes;  // per side, to bring a straddling interval inside
  std::vector<AaOutlier> outlying;  // the baseline's and this framework's deviating processes
};

// The run's process-to-process spread of one judged A/A benchmark, which the outliers are
// named against.
struct AaSpread {
  std::string benchmark;
  std::size_t processes = 0;  // every framework's, each file once
  double median_ns = 0.0;
  // Tukey's far fences, as ratios to the median; absent with fewer than
  // kAaMinProcessesForFences processes (then no process is named).
  std::optional<double> fence_lower;
  std::optional<double> fence_upper;
};

struct AaGate {
  std::string status = "absent";        // "pass", "disturbed", or "absent" (no A/A row compared)
  std::vector<std::string> benchmarks;  // the A/A benchmarks judged
  double lower = kAaLower;
  double upper = kAaUpper;
  std::vector<AaFramework> frameworks;  // in the order of the rows
  std::vector<AaSpread> spread;         // one per judged benchmark, in `benchmarks` order
};

// Judges the A/A rows of `rows` (role kAaControl, status kCompared, stats already decided with
// the bounds above).
AaGate judge_aa_gate(const std::vector<Row>& rows, const Options& options);

}  // namespace legion::compare
