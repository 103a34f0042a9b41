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

// A process whose A/A mean deviates from the median over all processes of the run (every
// framework: the code is the same) by more than the bounds: 1.25 = 25% slower.
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

struct AaGate {
  std::string status = "absent";        // "pass", "disturbed", or "absent" (no A/A row compared)
  std::vector<std::string> benchmarks;  // the A/A benchmarks judged
  double lower = kAaLower;
  double upper = kAaUpper;
  std::vector<AaFramework> frameworks;  // in the order of the rows
};

// Judges the A/A rows of `rows` (role kAaControl, status kCompared, stats already decided with
// the bounds above).
AaGate judge_aa_gate(const std::vector<Row>& rows, const Options& options);

}  // namespace legion::compare
