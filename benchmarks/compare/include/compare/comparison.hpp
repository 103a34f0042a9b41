#pragma once

// Every framework against one baseline, benchmark by benchmark, with the statistics of
// stats::compare_grouped (the process being the unit of replication), Holm across every
// comparison of the run, and the geometric mean of the ratios per framework and regime.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compare/run_file.hpp"
#include "stats/compare.hpp"
#include "stats/ratio_geomean.hpp"

namespace legion_compare {

struct Options {
  std::string baseline = "legion";
  // level, alpha, equivalence margin, bootstrap resamples and seed.
  stats::CompareOptions stats;
  // Every framework from exactly one file: a second file of a framework is an error instead of
  // a second process.
  bool one_file_per_framework = false;
};

// One framework's data for one benchmark, over all its processes.
struct Side {
  std::size_t processes = 0;
  std::vector<std::size_t> repetitions;  // per process
  double mean_ns = 0.0;                  // mean of the process means (the statistic the ratio uses)
  double median_ns = 0.0;                // of all repetitions pooled
  std::map<std::string, double> counters;  // mean per repetition of each counter present
  std::vector<std::string> labels;         // distinct output hashes over all processes
};

enum class Status {
  kCompared,
  kUnsupported,          // the framework reports "unsupported: <reason>"
  kFailed,               // the framework's run failed (validation or other error)
  kBaselineUnsupported,  // ... the same on the baseline's side
  kBaselineFailed,
  kMissing,            // the baseline ran it, the framework's files do not have it
  kMissingInBaseline,  // only the framework ran it
  kNotComparable,      // both ran it but the statistics cannot (e.g. a single repetition)
};
const char* status_name(Status s);

// One of the adapters' own figures (Outcome::metrics, e.g. delegations, turns, code_exec_ns),
// side by side; absent on a side that does not publish it.
struct Figure {
  std::string name;
  std::optional<double> baseline;
  std::optional<double> candidate;
};

// A figure derived from the measured times: the framework's extra time per unit of work it
// reports (delegation overhead per delegated task, per-turn conversation overhead) =
// (mean(framework) - mean(baseline)) / units, in ns. The interval maps the ratio's CI through
// the same formula with the baseline's mean held fixed (fair where the baseline is much the
// faster, as LEGION is against the Python frameworks).
struct Derived {
  std::string name;   // e.g. "overhead_per_delegation_ns"
  std::string units;  // the framework counter it divides by, e.g. "delegations"
  double value = 0.0;
  stats::Interval interval;
};

struct Row {
  std::string benchmark;
  std::string scenario;
  std::string regime;
  std::string framework;
  Status status = Status::kCompared;
  std::string reason;  // why there is no ratio (every status but kCompared)
  std::optional<Side> baseline;
  std::optional<Side> candidate;
  std::optional<stats::PairComparison> stats;  // kCompared only; B = framework, A = baseline
  bool hierarchical = false;                   // ratio CI from the two-stage bootstrap
  // Findings to show, not hide: "different work: hashes differ", "model calls differ", ...
  std::vector<std::string> flags;
  std::vector<Figure> figures;   // non-harness counters of either side, by name
  std::vector<Derived> derived;  // kCompared rows whose framework reports the units
};

struct Geomean {
  std::string framework;
  std::string regime;
  std::size_t benchmarks = 0;                // compared benchmarks that enter the mean
  std::size_t scenarios = 0;                 // distinct scenarios among them (each weighs 1)
  std::optional<stats::RatioGeomean> value;  // absent when no benchmark was compared
  std::vector<std::string> excluded;         // benchmarks of the regime without a ratio
};

struct FrameworkInfo {
  std::string name;
  std::string version;
  std::vector<std::string> files;  // one per process
  nlohmann::json context;          // of the first process
};

struct Comparison {
  Options options;
  std::vector<FrameworkInfo> frameworks;  // the baseline first, then in order of appearance
  std::vector<Row> rows;  // by regime, then benchmark (baseline order), then framework
  std::vector<Geomean> geomeans;
  std::vector<std::string> warnings;
  std::size_t tests = 0;  // comparisons in the Holm family
};

// Throws InputError when the baseline is absent, fewer than two frameworks are given, the same
// file is given twice, a framework's processes disagree on seed, model_latency or version, or
// (one_file_per_framework) a framework has several files.
Comparison compare_frameworks(const std::vector<ProcessRun>& runs, const Options& options);

}  // namespace legion_compare
