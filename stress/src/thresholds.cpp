#include "stress/thresholds.hpp"

#include <cmath>
#include <sstream>

#include "stats/trend.hpp"

namespace stress {
namespace {

std::string text(const char* op, double limit, const char* unit = "") {
  std::ostringstream out;
  out << op << " " << limit << unit;
  return out.str();
}

// A trend fails on the upper bound of its slope, not on significance alone: a slope that is
// significant but inside the budget is fine, one whose CI reaches past the budget is not proven
// to be inside it.
Verdict trend_verdict(const char* name, double budget, const char* unit,
                      const std::optional<Trend>& trend, const std::string& series,
                      double min_window_s) {
  Verdict v{name, text("<=", budget, unit), 0.0, false, ""};
  if (!trend) {
    v.note = "too few " + series + " points after warm-up";
    return v;
  }
  v.measured = trend->upper_per_min;
  if (trend->window_s < min_window_s) {
    std::ostringstream note;
    note << trend->window_s << " s of " << series << " after warm-up, a trend needs "
         << min_window_s << " s (run at a larger --time-scale)";
    v.pass = true;
    v.judged = false;
    v.note = note.str();
    return v;
  }
  v.pass = v.measured <= budget;
  v.note = "upper 95% bound of the Theil-Sen slope of the " + series + " after warm-up";
  return v;
}

}  // namespace

std::optional<Trend> fit_trend(std::span<const double> t_s, std::span<const double> y,
                               double warmup_fraction) {
  if (t_s.size() != y.size() || t_s.empty()) return std::nullopt;
  const double cut = t_s.front() + (t_s.back() - t_s.front()) * warmup_fraction;
  std::vector<double> x, v;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (t_s[i] < cut) continue;
    x.push_back(t_s[i] / 60.0);
    v.push_back(y[i]);
  }
  if (x.size() < 3 || x.front() == x.back()) return std::nullopt;
  const auto fit = stats::theil_sen(x, v);
  Trend trend;
  trend.slope_per_min = fit.slope;
  trend.lower_per_min = fit.slope_interval.lower;
  trend.upper_per_min = fit.slope_interval.upper;
  trend.mann_kendall_p = stats::mann_kendall(v).p_value;
  trend.points = x.size();
  trend.window_s = (x.back() - x.front()) * 60.0;
  return trend;
}

nlohmann::json to_json(const Trend& t) {
  return {{"window_s", t.window_s},
          {"slope_per_min", t.slope_per_min},
          {"ci95_per_min", {t.lower_per_min, t.upper_per_min}},
          {"mann_kendall_p", t.mann_kendall_p},
          {"points", t.points}};
}

std::vector<Verdict> evaluate(const Thresholds& th, const Measurements& m) {
  std::vector<Verdict> out;
  // Not configurable: an acknowledged task that vanished fails every run.
  out.push_back({"lost", "== 0", static_cast<double>(m.lost), m.lost == 0, ""});
  out.push_back({"unexpected", "== 0", static_cast<double>(m.unexpected), m.unexpected == 0, ""});
  if (th.p99_ms) {
    const bool measured = !std::isnan(m.p99_ms);
    out.push_back({"p99_ms", text("<=", *th.p99_ms, " ms"), measured ? m.p99_ms : 0.0,
                   measured && m.p99_ms <= *th.p99_ms,
                   measured ? "corrected latency" : "nothing completed"});
  }
  if (th.error_rate) {
    out.push_back({"error_rate", text("<", *th.error_rate), m.error_rate,
                   m.error_rate < *th.error_rate || (*th.error_rate == 0 && m.error_rate == 0),
                   "(fail + info) / invoked"});
  }
  if (th.leak_kb_per_min) {
    const bool net = m.rss_net_trend.has_value();
    out.push_back(trend_verdict(
        "leak_kb_per_min", *th.leak_kb_per_min, " KB/min", net ? m.rss_net_trend : m.rss_trend,
        net ? "RSS net of SQLite's page caches" : "RSS", m.min_trend_window_s));
  }
  if (th.degradation_ms_per_min) {
    out.push_back(trend_verdict("degradation_ms_per_min", *th.degradation_ms_per_min, " ms/min",
                                m.latency_trend, "mean latency", m.min_trend_window_s));
  }
  if (th.recovery_s) {
    Verdict v{"recovery_s", text("<", *th.recovery_s, " s"), 0.0, false, ""};
    if (m.recovery_s) {
      v.measured = *m.recovery_s;
      v.pass = *m.recovery_s < *th.recovery_s;
    } else {
      v.note = "did not recover before the end of the run (or no restart configured)";
    }
    out.push_back(v);
  }
  if (th.min_throughput) {
    out.push_back({"min_throughput", text(">=", *th.min_throughput, " /s"), m.throughput,
                   m.throughput >= *th.min_throughput, "completions per second"});
  }
  return out;
}

bool all_pass(const std::vector<Verdict>& verdicts) {
  for (const auto& v : verdicts) {
    if (!v.pass) return false;
  }
  return true;
}

nlohmann::json to_json(const std::vector<Verdict>& verdicts) {
  auto out = nlohmann::json::array();
  for (const auto& v : verdicts) {
    nlohmann::json j = {
        {"name", v.name}, {"limit", v.limit}, {"measured", v.measured}, {"pass", v.pass}};
    if (!v.judged) j["judged"] = false;
    if (!v.note.empty()) j["note"] = v.note;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace stress
