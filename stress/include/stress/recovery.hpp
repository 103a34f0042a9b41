#pragma once
// What a failure run is judged by, computed from its per-second timeline alone (so anyone can
// recompute it from the result JSON: scripts/stress/recompute_recovery.py does):
// - baseline: mean completions per second before the first fault (its first second, the
//   ramp-up, left out), with a 95% t-interval;
// - a second's errors are fine when its error share (errors not planned by the fault over
//   completions + those errors) is under `error_threshold`;
// - recovery_s: from the heal to the start of the first second s, at or after the one the heal
//   falls in, that completes at least `recovery_fraction` x baseline, such that the `hold_s`
//   seconds from s complete on average at least as much and each has its errors fine (only
//   seconds the load still ran); 0 when the fault never dented it; none when it never
//   recovered;
// - detect_s: from the injection to its first symptom: an event the harness saw (a worker
//   exiting, a store call failing or stuck, a lease taken over...) or the end of the first
//   second after it that completed less than both recovery_fraction x baseline and the
//   slowest baseline second, or had errors, whichever comes first;
// - stability_after: throughput (per second, by completion) and p99 latency (of the tasks that
//   arrived in the window) from the recovery to the next fault (or the end of the load),
//   against the baseline, with 95% intervals.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stats/interval.hpp"
#include "stress/fault_events.hpp"
#include "stress/fault_schedule.hpp"
#include "stress/metrics.hpp"

namespace stress {

struct TimelineRow {
  double t_s = 0.0;  // start of the second
  double completed = 0.0;
  double errors = 0.0;             // every failure recorded in that second
  double expected_failures = 0.0;  // of them, tasks the fault poisoned on purpose
  double started = 0.0;
  std::optional<double> queue_depth;
  std::optional<double> rss_kb;
  std::vector<std::string> events;  // "kind: detail"
  bool errors_ok(const FaultsConfig& rule) const;
  double error_share() const;
};

struct Baseline {
  double per_s = 0.0;
  stats::Interval ci;
  double from_s = 0.0, to_s = 0.0;  // window of whole seconds
  std::size_t seconds = 0;
  double min_per_s = 0.0;  // its slowest second
};

// Rows [from_s, to_s) minus the first second of the run.
std::optional<Baseline> compute_baseline(const std::vector<TimelineRow>& rows, double to_s);

std::optional<double> recovery_time(const std::vector<TimelineRow>& rows, double heal_s,
                                    double baseline, const FaultsConfig& rule, double usable_to_s);

struct Detection {
  double detect_s = 0.0;
  std::string by;
};
std::optional<Detection> detect(const std::vector<TimelineRow>& rows,
                                const std::vector<FaultEvent>& events, double inject_s,
                                double until_s, const Baseline& baseline, const FaultsConfig& rule);

// One completion: when (s since the start) and its latency (ms).
using LatencySample = Metrics::Completion;

// The p-quantile of `ms` with a distribution-free 95% interval from order statistics (the
// binomial ranks around n p, normal approximation); nullopt below 20 samples.
struct QuantileEstimate {
  double value = 0.0;
  stats::Interval ci;
  std::size_t n = 0;
};
std::optional<QuantileEstimate> quantile_with_ci(std::vector<double> ms, double p);

nlohmann::json stability_json(const std::vector<TimelineRow>& rows,
                              const std::vector<LatencySample>& latencies, const Baseline& before,
                              double after_from_s, double after_to_s);

nlohmann::json to_json(const TimelineRow& row);

}  // namespace stress
