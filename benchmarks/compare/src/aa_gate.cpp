#include "compare/aa_gate.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "bench_names.hpp"
#include "compare/comparison.hpp"
#include "stats/outliers.hpp"
#include "stats/quantile.hpp"

namespace legion::compare {

namespace {

// How far an interval is from lying inside the bounds, on the log scale (<= 0: inside).
double excess(const stats::Interval& ci) {
  return std::max(std::log(kAaLower) - std::log(ci.lower), std::log(ci.upper) - std::log(kAaUpper));
}

std::string state_of(const stats::Interval& ci) {
  if (ci.lower >= kAaLower && ci.upper <= kAaUpper) return "inside";
  if (ci.upper < kAaLower || ci.lower > kAaUpper) return "outside";
  return "straddles";
}

struct ProcessMean {
  std::string file;
  std::string framework;
  double mean_ns = 0.0;
};

// Every process's mean for each A/A benchmark, over all frameworks (the baseline's once).
std::map<std::string, std::vector<ProcessMean>> process_means(const std::vector<Row>& rows,
                                                              const std::string& baseline) {
  std::map<std::string, std::vector<ProcessMean>> out;
  auto add = [&](const std::string& benchmark, const std::string& framework, const Side& side) {
    auto& all = out[benchmark];
    for (std::size_t i = 0; i < side.files.size(); ++i) {
      const bool seen = std::any_of(all.begin(), all.end(),
                                    [&](const ProcessMean& p) { return p.file == side.files[i]; });
      if (!seen) all.push_back({side.files[i], framework, side.process_means_ns[i]});
    }
  };
  for (const auto& row : rows) {
    if (row.role != Role::kAaControl || !row.stats) continue;
    add(row.benchmark, baseline, *row.baseline);
    add(row.benchmark, row.framework, *row.candidate);
  }
  return out;
}

// The median and, from kAaMinProcessesForFences processes on, Tukey's far fences of the logs of
// the ratios to it (a ratio's spread is multiplicative: the log makes 0.9 and 1.11 equally far).
AaSpread spread_of(const std::string& benchmark, const std::vector<ProcessMean>& all) {
  AaSpread s;
  s.benchmark = benchmark;
  s.processes = all.size();
  std::vector<double> values;
  for (const auto& p : all) values.push_back(p.mean_ns);
  s.median_ns = stats::median(values);
  if (all.size() < kAaMinProcessesForFences || !(s.median_ns > 0.0)) return s;
  std::vector<double> logs;
  for (const double v : values) {
    if (!(v > 0.0) || !std::isfinite(v)) return s;  // no log: no fences, no one named
    logs.push_back(std::log(v / s.median_ns));
  }
  // Q1 - 3 IQR and Q3 + 3 IQR: criterion.rs's "severe", Tukey's "far out".
  const auto fences = stats::classify_outliers(logs);
  s.fence_lower = std::exp(fences.low_severe_fence);
  s.fence_upper = std::exp(fences.high_severe_fence);
  return s;
}

// Outside the bounds (a deviation that matters) and outside the run's own spread (one the
// machine does not show on its other processes).
bool outlying(double ratio, const AaSpread& spread) {
  if (ratio >= kAaLower && ratio <= kAaUpper) return false;
  if (!spread.fence_lower || !spread.fence_upper) return false;
  return ratio < *spread.fence_lower || ratio > *spread.fence_upper;
}

bool is_calibration_row(const std::string& benchmark) {
  return benchmark.starts_with(std::string(bench::kCalibrationCase) + "/");
}

// The rows the gate judges: the calibration rows where the run has any (see the header).
bool judged(const Row& row, bool calibration) {
  if (row.role != Role::kAaControl || !row.stats) return false;
  return !calibration || is_calibration_row(row.benchmark);
}

}  // namespace

AaGate judge_aa_gate(const std::vector<Row>& rows, const Options& options) {
  AaGate gate;
  const bool calibration = std::any_of(rows.begin(), rows.end(), [](const Row& r) {
    return judged(r, false) && is_calibration_row(r.benchmark);
  });
  for (const auto& row : rows) {
    if (judged(row, calibration) && std::find(gate.benchmarks.begin(), gate.benchmarks.end(),
                                              row.benchmark) == gate.benchmarks.end()) {
      gate.benchmarks.push_back(row.benchmark);
    }
  }
  const auto means = process_means(rows, options.baseline);
  std::map<std::string, AaSpread> spreads;
  for (const auto& [benchmark, all] : means) spreads[benchmark] = spread_of(benchmark, all);
  for (const auto& benchmark : gate.benchmarks) gate.spread.push_back(spreads.at(benchmark));
  const auto level = 1.0 - options.stats.alpha / static_cast<double>(options.stats.looks);
  const stats::EquivalenceBounds bounds{kAaLower, kAaUpper, true};
  for (const auto& row : rows) {
    if (!judged(row, calibration)) continue;
    auto it = std::find_if(gate.frameworks.begin(), gate.frameworks.end(),
                           [&](const AaFramework& f) { return f.framework == row.framework; });
    if (it == gate.frameworks.end()) {
      gate.frameworks.push_back({row.framework, "", 0.0, {}, 0, "", std::nullopt, {}});
      it = gate.frameworks.end() - 1;
    }
    const auto& s = *row.stats;
    if (it->benchmark.empty() || excess(s.ratio_interval) > excess(it->interval)) {
      it->benchmark = row.benchmark;
      it->ratio = s.ratio;
      it->interval = s.ratio_interval;
      it->processes = row.candidate->processes;
      it->state = state_of(s.ratio_interval);
      it->needs_processes.reset();
      if (it->state == "straddles") {
        it->needs_processes =
            stats::processes_to_settle(s.log, level, bounds, stats::SettleGoal::kInsideBounds);
      }
    }
    const AaSpread& spread = spreads.at(row.benchmark);
    for (const auto& p : means.at(row.benchmark)) {
      if (p.framework != row.framework && p.framework != options.baseline) continue;
      const double r = p.mean_ns / spread.median_ns;
      if (!outlying(r, spread)) continue;
      const bool listed = std::any_of(it->outlying.begin(), it->outlying.end(), [&](const auto& o) {
        return o.file == p.file && o.benchmark == row.benchmark;
      });
      if (!listed) it->outlying.push_back({p.file, p.framework, row.benchmark, r});
    }
  }
  if (gate.frameworks.empty()) return gate;
  const bool pass = std::all_of(gate.frameworks.begin(), gate.frameworks.end(),
                                [](const AaFramework& f) { return f.state == "inside"; });
  gate.status = pass ? "pass" : "disturbed";
  return gate;
}

}  // namespace legion::compare
