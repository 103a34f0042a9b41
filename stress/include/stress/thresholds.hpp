#pragma once
// Thresholds are the contract of a scenario (k6 style): each one configured becomes a verdict
// with its limit and the measured value, and a breach fails the run. The zero-loss verdict is
// always there: no configuration can switch it off.
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "stress/config.hpp"

namespace stress {

struct Verdict {
  std::string name;
  std::string limit;  // as text: "< 0.001", "<= 250 ms", "== 0"
  double measured = 0.0;
  bool pass = false;
  std::string note;    // why a value could not be measured, or how it was
  bool judged = true;  // false: too little data to judge (pass is then true, the note says why)
};

// A trend of y over time with the statistics module's estimators: Theil-Sen slope and its
// 95% CI (Sen's), Mann-Kendall p. Slopes are per (real) minute: time scaling keeps the rates,
// so a leak per task or per second shows the same slope in a scaled run as in a full one.
struct Trend {
  double slope_per_min = 0.0;
  double lower_per_min = 0.0;
  double upper_per_min = 0.0;
  double mann_kendall_p = 1.0;
  std::size_t points = 0;
  double window_s = 0.0;  // time the fitted points span
};
// Nullopt with fewer than 3 points (after dropping the first `warmup_fraction` of the span).
std::optional<Trend> fit_trend(std::span<const double> t_s, std::span<const double> y,
                               double warmup_fraction);
nlohmann::json to_json(const Trend& trend);

struct Measurements {
  double p99_ms = 0.0;  // NaN when nothing completed
  double error_rate = 0.0;
  std::uint64_t lost = 0;
  std::uint64_t unexpected = 0;
  std::optional<Trend> rss_trend;  // KB per minute
  // RSS net of the system's bounded caches (ResourceMonitor::set_cache_probe), when probed:
  // the leak verdict's series then, since a cache filling up to its bound is not a leak.
  std::optional<Trend> rss_net_trend;
  std::optional<Trend> latency_trend;  // ms per minute
  std::optional<double> recovery_s;    // nullopt: never recovered (or no restart)
  double throughput = 0.0;             // completions per second over the run
  double min_trend_window_s = 60.0;    // shorter trends are not judged
};

std::vector<Verdict> evaluate(const Thresholds& thresholds, const Measurements& measured);
bool all_pass(const std::vector<Verdict>& verdicts);
nlohmann::json to_json(const std::vector<Verdict>& verdicts);

}  // namespace stress
