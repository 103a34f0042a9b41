#pragma once

// Every framework against one baseline, benchmark by benchmark. The process is the unit of
// replication: each row compares the two frameworks' per-process mean times as a ratio of
// geometric means with Banerjee's interval on the logs (stats/ratio_inference.hpp), at a
// Bonferroni level per framework (the family is one framework's rows: adding a framework
// changes no other framework's verdicts), and the verdict is read off that interval. A/A control
// rows (scenario `harness`) are kept out of the families and judged by the A/A gate; geometric
// means per framework and regime are computed per process so rows sharing processes are not treated
// as independent. docs/comparison.md and docs/statistics.md give the detail.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compare/aa_gate.hpp"
#include "compare/criteria.hpp"
#include "compare/latency.hpp"
#include "compare/run_file.hpp"
#include "stats/compare.hpp"
#include "stats/process_geomean.hpp"

namespace legion::compare {

struct Options {
  std::string baseline = "legion";
  // alpha (family-wise error rate per framework), looks, equivalence margin, precision.
  stats::CompareOptions stats;
};

// One framework's data for one benchmark, over the processes that ran it.
struct Side {
  std::size_t processes = 0;
  std::vector<std::size_t> repetitions;  // per process
  std::vector<std::string> files;        // per process: the file it came from
  std::vector<double> process_means_ns;  // per process: mean of its repetitions (the samples)
  double mean_ns = 0.0;                  // arithmetic mean of the process means
  double geomean_ns = 0.0;               // geometric mean of the process means (the ratio's)
  double median_ns = 0.0;                // of all repetitions pooled
  double process_log_sd = 0.0;           // sd of the logs of the process means (relative spread)
  // Means over processes of the per-process mean of these counters, where the files have them
  // (legion-bench's cpu_ns, iter_p50_ns, iter_p95_ns: docs/harness.md).
  std::optional<double> cpu_ns;
  std::optional<double> iter_p50_ns;
  std::optional<double> iter_p95_ns;
  // legion-bench's latency counters (hot and concurrency rows under a latency model,
  // docs/harness.md): nominal figures of the case, the same in every repetition of every
  // process. Absent when the files lack them, or when some processes lack them or disagree
  // (latency_problem says which).
  std::optional<double> critical_path_model_ns;
  std::optional<double> model_latency_ns;
  std::string latency_problem;
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
  kNotComparable,      // both ran it but the statistics cannot (e.g. a non-positive mean)
};
const char* status_name(Status s);

// A row either compares frameworks (in its framework's family) or is an A/A control: the same
// C++ code in every process (scenario `harness`), judged by the A/A gate.
enum class Role { kComparison, kAaControl };
const char* role_name(Role r);  // "comparison", "aa_control"

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
  std::string point;  // scenario with parameters, without the regime
  std::string regime;
  std::string framework;
  Role role = Role::kComparison;
  Status status = Status::kCompared;
  std::string reason;  // why there is no ratio (every status but kCompared)
  std::optional<Side> baseline;
  std::optional<Side> candidate;
  std::optional<stats::PairComparison> stats;  // kCompared only; B = framework, A = baseline
  // Findings to show, not hide: "different work: hashes differ", "model calls differ", ...
  std::vector<std::string> flags;
  std::vector<Figure> figures;   // non-harness counters of either side, by name
  std::vector<Derived> derived;  // kCompared rows whose framework reports the units
};

struct Geomean {
  std::string framework;
  std::string regime;
  std::size_t benchmarks = 0;  // compared benchmarks that enter the mean
  std::size_t scenarios = 0;   // distinct scenarios among them (each weighs 1)
  // Absent when no benchmark was compared or fewer than 2 processes per side ran them all.
  std::optional<stats::GeomeanRatio> value;
  std::string reason;                 // why value is absent
  std::vector<std::string> excluded;  // benchmarks of the regime without a ratio
};

struct FrameworkInfo {
  std::string name;
  std::string version;
  std::vector<std::string> files;  // one per process
  nlohmann::json context;          // of the first process
};

struct Machines {
  std::vector<std::string> ids;  // distinct context.machine.id values, sorted
  std::size_t unknown = 0;       // processes without one
  bool mixed = false;            // more than one id
};

struct Comparison {
  Options options;
  std::string seed;                       // the files' common context.seed, as written
  std::string model_latency;              // the files' common context.model_latency ("" absent)
  std::vector<FrameworkInfo> frameworks;  // the baseline first, then in order of appearance
  std::vector<Row> rows;  // by regime, then benchmark (baseline order), then framework
  std::map<std::string, std::size_t> family_rows;  // per framework: rows in its family (m)
  std::vector<Geomean> geomeans;
  AaGate aa_gate;
  Machines machines;
  LatencyTable latency;  // empty without latency counters in the files
  Criteria criteria;
  std::vector<std::string> warnings;
};

// Throws InputError (one line naming the problem; the CLI exits 2) when the baseline is absent,
// fewer than two frameworks are given, the same file is given twice, the files disagree on
// context.seed or context.model_latency (one comparison is one latency regime), a framework's
// processes disagree on version, a framework has fewer than 2 processes, or a row of a
// framework has fewer than 2 processes with data.
Comparison compare_frameworks(const std::vector<ProcessRun>& runs, const Options& options);

}  // namespace legion::compare
