#include "stress/recovery.hpp"

#include <algorithm>
#include <cmath>

#include "stats/confidence.hpp"
#include "stats/descriptive.hpp"

namespace stress {
namespace {

nlohmann::json interval_json(const stats::Interval& ci) {
  return nlohmann::json::array({ci.lower, ci.upper});
}

std::vector<double> completed_between(const std::vector<TimelineRow>& rows, double from_s,
                                      double to_s) {
  std::vector<double> out;
  for (const auto& r : rows) {
    if (r.t_s >= from_s && r.t_s + 1.0 <= to_s + 1e-9) out.push_back(r.completed);
  }
  return out;
}

nlohmann::json throughput_json(const std::vector<double>& per_s) {
  nlohmann::json j = {{"seconds", per_s.size()}};
  if (per_s.empty()) return j;
  j["per_s"] = stats::mean(per_s);
  if (per_s.size() >= 2) j["ci95"] = interval_json(stats::t_interval_mean(per_s));
  return j;
}

// Of the tasks that arrived in [from_s, to_s) (completion time minus latency): the ones that
// waited out the fault are not the steady state after it.
nlohmann::json p99_json(const std::vector<LatencySample>& latencies, double from_s, double to_s) {
  std::vector<double> ms;
  for (const auto& l : latencies) {
    const double arrived = l.t_s - l.ms / 1000.0;
    if (arrived >= from_s && arrived < to_s) ms.push_back(l.ms);
  }
  const auto q = quantile_with_ci(std::move(ms), 0.99);
  if (!q) return {{"n", 0}, {"note", "fewer than 20 completions in the window"}};
  return {{"ms", q->value}, {"ci95_ms", interval_json(q->ci)}, {"n", q->n}};
}

}  // namespace

double TimelineRow::error_share() const {
  const double unplanned = std::max(0.0, errors - expected_failures);
  const double finished = completed + unplanned;
  return finished > 0 ? unplanned / finished : 0.0;
}

bool TimelineRow::errors_ok(const FaultsConfig& rule) const {
  const double share = error_share();
  return rule.error_threshold > 0 ? share < rule.error_threshold : share == 0.0;
}

std::optional<Baseline> compute_baseline(const std::vector<TimelineRow>& rows, double to_s) {
  // The first second holds the start-up (connections, first claims): not the steady state.
  const auto per_s = completed_between(rows, 1.0, to_s);
  if (per_s.size() < 2) return std::nullopt;
  Baseline b;
  b.per_s = stats::mean(per_s);
  b.ci = stats::t_interval_mean(per_s);
  b.from_s = 1.0;
  b.to_s = 1.0 + static_cast<double>(per_s.size());
  b.seconds = per_s.size();
  b.min_per_s = *std::min_element(per_s.begin(), per_s.end());
  return b;
}

std::optional<double> recovery_time(const std::vector<TimelineRow>& rows, double heal_s,
                                    double baseline, const FaultsConfig& rule, double usable_to_s) {
  const auto hold = static_cast<std::size_t>(std::llround(rule.hold_s));
  const double floor_rate = rule.recovery_fraction * baseline;
  const double first = std::floor(heal_s);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].t_s < first - 1e-9) continue;
    if (i + hold > rows.size() || rows[i + hold - 1].t_s + 1.0 > usable_to_s + 1e-9) break;
    // The second itself is back, the hold window's throughput stays there (its mean: a single
    // second of a healthy run dips below 90% by batching alone), and no second has errors.
    bool ok = rows[i].completed >= floor_rate;
    double sum = 0.0;
    for (std::size_t k = i; k < i + hold && ok; ++k) {
      ok = rows[k].errors_ok(rule);
      sum += rows[k].completed;
    }
    if (ok && sum >= floor_rate * static_cast<double>(hold)) {
      return std::max(0.0, rows[i].t_s - heal_s);
    }
  }
  return std::nullopt;
}

std::optional<Detection> detect(const std::vector<TimelineRow>& rows,
                                const std::vector<FaultEvent>& events, double inject_s,
                                double until_s, const Baseline& baseline,
                                const FaultsConfig& rule) {
  std::optional<Detection> found;
  for (const auto& e : events) {
    if (e.t_s >= inject_s && e.t_s <= until_s && FaultEvents::is_symptom(e.kind)) {
      found = Detection{e.t_s - inject_s, e.kind + (e.detail.empty() ? "" : ": " + e.detail)};
      break;
    }
  }
  for (const auto& r : rows) {
    if (r.t_s + 1.0 <= inject_s || r.t_s > until_s) continue;
    // Below both the recovery floor and the slowest baseline second (not a dip the healthy
    // run also had), or with errors.
    const bool slow =
        r.completed < rule.recovery_fraction * baseline.per_s && r.completed < baseline.min_per_s;
    if (slow || !r.errors_ok(rule)) {
      // A second's count is known once it is over.
      const double at = r.t_s + 1.0 - inject_s;
      if (!found || at < found->detect_s) {
        found = Detection{at, "timeline: an unhealthy second (throughput or errors)"};
      }
      break;
    }
  }
  return found;
}

std::optional<QuantileEstimate> quantile_with_ci(std::vector<double> ms, double p) {
  const std::size_t n = ms.size();
  if (n < 20) return std::nullopt;
  std::sort(ms.begin(), ms.end());
  auto at_rank = [&](double rank) {  // 1-based rank, clamped
    const auto r = static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(n)));
    return ms[r - 1];
  };
  const double center = static_cast<double>(n) * p;
  const double half = 1.959964 * std::sqrt(static_cast<double>(n) * p * (1.0 - p));
  QuantileEstimate q;
  q.value = at_rank(std::ceil(center));
  q.ci = {at_rank(std::floor(center - half)), at_rank(std::ceil(center + half) + 1.0), 0.95};
  q.n = n;
  return q;
}

nlohmann::json stability_json(const std::vector<TimelineRow>& rows,
                              const std::vector<LatencySample>& latencies, const Baseline& before,
                              double after_from_s, double after_to_s) {
  const auto a = completed_between(rows, before.from_s, before.to_s);
  const auto b = completed_between(rows, std::ceil(after_from_s), after_to_s);
  nlohmann::json j = {
      {"before", {{"window_s", {before.from_s, before.to_s}}, {"throughput", throughput_json(a)}}},
      {"after",
       {{"window_s", {std::ceil(after_from_s), after_to_s}}, {"throughput", throughput_json(b)}}}};
  j["before"]["p99"] = p99_json(latencies, before.from_s, before.to_s);
  j["after"]["p99"] = p99_json(latencies, std::ceil(after_from_s), after_to_s);
  if (a.size() >= 2 && b.size() >= 2 && stats::mean(a) > 0 && stats::mean(b) > 0) {
    j["throughput_ratio"] = stats::mean(b) / stats::mean(a);
    j["throughput_ratio_ci95"] = interval_json(stats::delta_ratio_interval(a, b));
  } else {
    j["note"] = "too few seconds on one side for a ratio";
  }
  return j;
}

nlohmann::json to_json(const TimelineRow& r) {
  auto opt = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"t_s", r.t_s},
          {"completed", r.completed},
          {"errors", r.errors},
          {"expected_failures", r.expected_failures},
          {"started", r.started},
          {"queue_depth", opt(r.queue_depth)},
          {"rss_kb", opt(r.rss_kb)},
          {"events", r.events}};
}

}  // namespace stress
