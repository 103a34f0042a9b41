#pragma once

// Targets (benchmarks/targets/*.json) checked against Google Benchmark results, judged by the
// interval, not the point estimate: `legion-stats check`.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stats/interval.hpp"

namespace stats {

// A threshold from a targets file:
//  {"benchmark": "BM_x", "metric": "real_time", "max": 1200}            mean(BM_x) <= 1200
//  {"benchmark": "BM_a", "metric": "real_time", "max_ratio": 1.2, "to": "BM_b"}
//                                                                        mean(a)/mean(b) <= 1.2
// metric defaults to "real_time" (nanoseconds); any other name is a counter.
struct Target {
  std::string benchmark;
  std::string metric = "real_time";
  std::optional<double> max;
  std::optional<double> max_ratio;
  std::string to;
  std::string to_metric;  // the reference's metric; empty = `metric` (a residual vs a floor's time)
};

// Throws StatsError naming `source` on malformed JSON or an entry that is neither form.
std::vector<Target> parse_targets(std::string_view text, std::string_view source);
std::vector<Target> read_targets_file(const std::filesystem::path& path);

// met: the interval's upper bound is at or under the limit; missed: its lower bound is over the
// limit; inconclusive: the interval contains the limit (more repetitions would settle it).
enum class TargetOutcome { kMet, kMissed, kInconclusive };
const char* target_outcome_name(TargetOutcome o);  // "met", "missed", "inconclusive"

struct TargetResult {
  Target target;
  std::size_t n = 0;
  double measured = 0.0;             // mean, or the ratio of means
  std::optional<Interval> interval;  // t interval of the mean / Fieller interval of the ratio
  TargetOutcome outcome = TargetOutcome::kInconclusive;
  // n == 1 (a single repetition, e.g. a stress run's percentile counter): no interval exists,
  // and the outcome is read off the value (met or missed, never inconclusive).
  bool judged_on_value = false;
};

// Evaluates each target against the results files (a benchmark is looked up in the files in
// order, the first holding it wins), every interval at `level` (each target on its own: no
// multiplicity correction). Throws StatsError when a file is missing or a benchmark is not in
// any of them.
std::vector<TargetResult> check_targets(const std::vector<Target>& targets,
                                        const std::vector<std::filesystem::path>& results,
                                        double level = 0.95);

}  // namespace stats
