#include "fault_report.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <unordered_set>

#include "stress/recovery.hpp"

namespace stress::detail {
namespace {

nlohmann::json opt(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string num(double v) {
  std::ostringstream out;
  out << std::round(v * 1000.0) / 1000.0;
  return out.str();
}

std::vector<TimelineRow> timeline(const FaultDriver& driver, const Metrics& metrics,
                                  const ResourceMonitor& monitor, double end_s) {
  const double width = metrics.bucket_width_s();
  const auto expected = driver.expected_failures_per_second();
  const auto samples = monitor.samples();
  const auto events = driver.events().events();
  std::vector<TimelineRow> rows;
  for (const auto& b : metrics.buckets()) {
    if (b.t_s > end_s) break;
    TimelineRow r;
    r.t_s = b.t_s;
    r.completed = static_cast<double>(b.ok) / width;
    r.errors = static_cast<double>(b.errors) / width;
    r.started = static_cast<double>(b.started) / width;
    const auto second = static_cast<std::size_t>(b.t_s);
    if (second < expected.size()) r.expected_failures = expected[second];
    if (b.queue_depth >= 0) r.queue_depth = static_cast<double>(b.queue_depth);
    for (const auto& s : samples) {
      if (s.t_s >= b.t_s && s.t_s < b.t_s + width) {
        r.rss_kb = std::max(r.rss_kb.value_or(0.0), static_cast<double>(s.rss_kb));
      }
    }
    for (const auto& e : events) {
      if (e.t_s >= b.t_s && e.t_s < b.t_s + width && r.events.size() < 20) {
        r.events.push_back(e.kind + (e.detail.empty() ? "" : ": " + e.detail));
      }
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

// Bounded memory while the faults last: the peak over the baseline, and the slope.
void memory_verdicts(const ScenarioConfig& c, const ResourceMonitor& monitor,
                     const std::vector<AppliedFault>& applied, const std::optional<Baseline>& base,
                     std::vector<Verdict>& verdicts, nlohmann::json& json) {
  const auto& rule = c.faults;
  if (rule.rss_growth_kb <= 0 && rule.rss_slope_kb_per_min <= 0) return;
  double from = -1, to = -1;
  for (const auto& a : applied) {
    if (a.inject_s >= 0 && (from < 0 || a.inject_s < from)) from = a.inject_s;
    to = std::max(to, a.heal_s);
  }
  std::vector<double> before, t, rss;
  double peak = 0;
  for (const auto& s : monitor.samples()) {
    const double kb = static_cast<double>(s.rss_kb);
    if (base && s.t_s >= base->from_s && s.t_s < base->to_s) before.push_back(kb);
    if (s.t_s >= from && s.t_s <= to) {
      t.push_back(s.t_s);
      rss.push_back(kb);
      peak = std::max(peak, kb);
    }
  }
  nlohmann::json memory = {{"window_s", {from, to}}, {"peak_rss_kb", peak}};
  if (rule.rss_growth_kb > 0) {
    Verdict v{"rss_growth_kb", "<= " + num(rule.rss_growth_kb) + " KB", 0, false, ""};
    if (!before.empty() && !rss.empty()) {
      std::sort(before.begin(), before.end());
      const double median = before[before.size() / 2];
      v.measured = peak - median;
      v.pass = v.measured <= rule.rss_growth_kb;
      v.note = "peak RSS under the fault over the baseline's median";
      memory["baseline_rss_kb"] = median;
    } else {
      v.note = "no RSS samples before or during the fault";
    }
    verdicts.push_back(v);
  }
  if (rule.rss_slope_kb_per_min > 0) {
    Verdict v{"rss_slope_kb_per_min", "<= " + num(rule.rss_slope_kb_per_min) + " KB/min", 0, false,
              ""};
    if (auto trend = fit_trend(t, rss, 0.0)) {
      memory["rss_trend"] = to_json(*trend);
      v.measured = trend->upper_per_min;
      if (trend->window_s < c.min_trend_window_s) {
        v.pass = true;
        v.judged = false;
        v.note = num(trend->window_s) + " s of RSS under the fault, a trend needs " +
                 num(c.min_trend_window_s) + " s (run at a larger --time-scale)";
      } else {
        v.pass = v.measured <= rule.rss_slope_kb_per_min;
        v.note = "upper 95% bound of the Theil-Sen slope of RSS under the fault";
      }
    } else {
      v.note = "too few RSS samples under the fault";
    }
    verdicts.push_back(v);
  }
  json["memory_under_fault"] = memory;
}

}  // namespace

FaultOutcome fault_outcome(const ScenarioConfig& c, const FaultDriver& driver,
                           const Metrics& metrics, const ResourceMonitor& monitor,
                           const Audit& audit, const Drained& drained, double load_end_s) {
  const auto& rule = c.faults;
  const double usable_to = planned_duration_s(c);
  const auto rows = timeline(driver, metrics, monitor, std::max(load_end_s, usable_to) + 1.0);
  const auto applied = driver.applied();
  const auto events = driver.events().events();
  const auto latencies = metrics.completions();

  FaultOutcome out;
  double first_inject = usable_to;
  for (const auto& a : applied) {
    if (a.inject_s >= 0) first_inject = std::min(first_inject, a.inject_s);
  }
  const auto base = compute_baseline(rows, first_inject);
  out.verdicts.push_back({"baseline", ">= 2 s before the first fault",
                          base ? static_cast<double>(base->seconds) : 0.0, base.has_value(),
                          base ? "completions per second before the first fault"
                               : "too little load before the first fault to measure a baseline"});

  auto per_fault = nlohmann::json::array();
  std::optional<double> worst_recovery, worst_detect;
  bool all_recovered = true, all_applied = true;
  std::string applied_errors, unrecovered;
  auto undetected = nlohmann::json::array();
  for (std::size_t k = 0; k < applied.size(); ++k) {
    const auto& a = applied[k];
    nlohmann::json j = to_json(a.planned);
    j["injected_at_s"] = a.inject_s;
    j["healed_at_s"] = a.heal_s;
    if (a.inject_s < 0 || a.heal_s < 0 || !a.error.empty()) {
      all_applied = false;
      applied_errors += (applied_errors.empty() ? "" : "; ") + a.planned.spec.type + ": " +
                        (a.error.empty() ? "not applied before the run ended" : a.error);
      j["error"] = a.error.empty() ? "not applied before the run ended" : a.error;
      per_fault.push_back(std::move(j));
      continue;
    }
    const double next = k + 1 < applied.size() && applied[k + 1].inject_s >= 0
                            ? applied[k + 1].inject_s
                            : usable_to;
    std::optional<double> recovery;
    if (base) {
      if (auto d = detect(rows, events, a.inject_s, std::min(next, a.heal_s + rule.settle_s), *base,
                          rule)) {
        j["detect_s"] = d->detect_s;
        j["detected_by"] = d->by;
        worst_detect = std::max(worst_detect.value_or(0.0), d->detect_s);
      } else {
        undetected.push_back(a.planned.spec.type);
        j["detect_s"] = nullptr;
        j["detected_by"] = "no symptom: the fault had no visible effect";
      }
      recovery = recovery_time(rows, a.heal_s, base->per_s, rule, std::min(next, usable_to));
      j["recovery_s"] = opt(recovery);
      if (recovery) {
        worst_recovery = std::max(worst_recovery.value_or(0.0), *recovery);
        const double recovered_at = a.heal_s + *recovery;
        j["recovered_at_s"] = recovered_at;
        j["stability_after"] = stability_json(rows, latencies, *base, recovered_at, next);
      } else {
        all_recovered = false;
        unrecovered += (unrecovered.empty() ? "" : ", ") + a.planned.spec.type;
      }
    }
    per_fault.push_back(std::move(j));
  }

  for (const auto& check : driver.checks()) {
    out.verdicts.push_back({check.name, "pass", check.pass ? 1.0 : 0.0, check.pass, check.detail});
  }
  memory_verdicts(c, monitor, applied, base, out.verdicts, out.json);
  out.verdicts.push_back({"faults_applied", "every fault injected and healed",
                          static_cast<double>(applied.size()), all_applied, applied_errors});
  {
    Verdict v{"recovery_s", "<= " + num(rule.recovery_limit_s) + " s", 0.0, false, ""};
    if (worst_recovery && all_recovered) {
      v.measured = *worst_recovery;
      v.pass = *worst_recovery <= rule.recovery_limit_s;
      v.note = "the slowest of the faults: from its heal to the first second at >= " +
               num(rule.recovery_fraction) + " x baseline starting " + num(rule.hold_s) +
               " s that stay there on average, without errors";
    } else {
      v.note = base ? "did not recover before the next fault or the end of the load: " + unrecovered
                    : "no baseline to recover to";
    }
    out.verdicts.push_back(v);
  }

  // Tasks poisoned on purpose must end failed (dead-lettered), the others must not.
  const auto& tasks = driver.tasks();
  std::uint64_t poisoned_dead = 0, unplanned_dead = 0, poisoned_done = 0;
  std::vector<std::uint64_t> unplanned_ids;
  const std::unordered_set<std::uint64_t> wrong(drained.wrong.begin(), drained.wrong.end());
  for (auto id : drained.failed) {
    if (wrong.count(id)) continue;
    if (tasks.expected_to_fail(id)) {
      ++poisoned_dead;
    } else {
      ++unplanned_dead;
      if (unplanned_ids.size() < Audit::kSample) unplanned_ids.push_back(id);
    }
  }
  for (auto id : drained.completed) poisoned_done += tasks.expected_to_fail(id);
  std::string ids;
  for (auto id : unplanned_ids) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
  out.verdicts.push_back({"unplanned_dead_letters", "== 0", static_cast<double>(unplanned_dead),
                          unplanned_dead == 0,
                          unplanned_dead ? "tasks the fault did not poison ended dead: " + ids
                                         : "only poisoned tasks may end dead-lettered"});
  if (tasks.expected_failures() > 0) {
    out.verdicts.push_back({"poisoned_failed", "== " + std::to_string(tasks.expected_failures()),
                            static_cast<double>(poisoned_dead),
                            poisoned_dead == tasks.expected_failures(),
                            "tasks poisoned to throw or hang, ended dead-lettered (" +
                                std::to_string(poisoned_done) + " completed instead)"});
  }

  nlohmann::json stability = nullptr;
  for (auto it = per_fault.rbegin(); it != per_fault.rend(); ++it) {
    if (it->contains("stability_after")) {
      stability = (*it)["stability_after"];
      break;
    }
  }
  auto rows_json = nlohmann::json::array();
  for (const auto& r : rows) rows_json.push_back(to_json(r));
  out.json["fault"] = c.name;
  out.json["acknowledged"] = audit.invoked;
  out.json["lost"] = audit.lost;
  out.json["duplicated"] = audit.duplicated;
  out.json["unexpected"] = audit.unexpected;
  // The slowest detection among the faults that showed; those that showed nothing at all (a
  // stopped worker that held no lease) are listed instead.
  out.json["detect_s"] = opt(worst_detect);
  out.json["undetected"] = undetected;
  out.json["recovery_s"] = all_recovered ? opt(worst_recovery) : nlohmann::json(nullptr);
  out.json["stability_after"] = stability;
  out.json["timeline"] = rows_json;
  auto report = driver.report();
  report["per_fault"] = per_fault;
  report["rule"] = {{"baseline", base ? nlohmann::json{{"per_s", base->per_s},
                                                       {"ci95", {base->ci.lower, base->ci.upper}},
                                                       {"window_s", {base->from_s, base->to_s}}}
                                      : nlohmann::json(nullptr)},
                    {"recovery_fraction", rule.recovery_fraction},
                    {"hold_s", rule.hold_s},
                    {"error_threshold", rule.error_threshold},
                    {"recovery_limit_s", rule.recovery_limit_s},
                    {"load_until_s", usable_to},
                    {"settle_s", rule.settle_s}};
  report["dead_letters"] = {{"poisoned", tasks.expected_failures()},
                            {"poisoned_dead", poisoned_dead},
                            {"poisoned_completed", poisoned_done},
                            {"unplanned", unplanned_dead}};
  out.json["faults"] = report;
  return out;
}

}  // namespace stress::detail
