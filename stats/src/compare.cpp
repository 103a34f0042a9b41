#include "stats/compare.hpp"

#include <algorithm>
#include <cmath>

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "check.hpp"
#include "stats/confidence.hpp"
#include "stats/correction.hpp"
#include "stats/descriptive.hpp"
#include "stats/effect_size.hpp"
#include "stats/tests.hpp"

namespace stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string percent(double fraction) {
  std::ostringstream out;
  out << fraction * 100.0;
  return out.str();
}

bool is_time_metric_name(const std::string& metric) {
  return metric == "real_time" || metric == "cpu_time";
}

const Series* find_series(const std::vector<Series>& all, const std::string& name) {
  for (const auto& s : all) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// The name without a "/repeats:N" component, which Google Benchmark adds when the repetition
// count is set in code, so runs with different repetition counts still pair.
std::string pairing_key(const std::string& name) {
  const auto at = name.find("/repeats:");
  if (at == std::string::npos) return name;
  auto end = at + 9;
  while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
  return name.substr(0, at) + name.substr(end);
}

const Series* find_paired(const std::vector<Series>& all, const std::string& name) {
  const std::string key = pairing_key(name);
  for (const auto& s : all) {
    if (pairing_key(s.name) == key) return &s;
  }
  return nullptr;
}

// Tests and effect sizes of b relative to a; the ratio interval is the caller's.
PairComparison compare_core(const std::string& name, std::span<const double> a,
                            std::span<const double> b, const CompareOptions& o) {
  for (std::size_t n : {a.size(), b.size()}) {
    if (n < 2) {
      throw StatsError("benchmark '" + name + "' has n = " + std::to_string(n) +
                       "; comparing needs at least 2 repetitions on each side");
    }
  }
  PairComparison c;
  c.name = name;
  c.n_a = a.size();
  c.n_b = b.size();
  c.mean_a = mean(a);
  c.mean_b = mean(b);
  if (!(c.mean_a > 0.0 && c.mean_b > 0.0)) {
    throw StatsError("benchmark '" + name + "': a ratio of means needs positive means");
  }
  c.ratio = c.mean_b / c.mean_a;
  try {
    // Times are multiplicative - a framework 1000x slower has ~1000x the spread - and the
    // claim is a ratio, so Welch runs on the logs (the ratio of geometric means). On raw
    // times the slow side's variance swamps the fast side's, leaving Welch about one degree
    // of freedom per process and no power to call a 1000x difference with 3 processes.
    const bool positive = std::all_of(a.begin(), a.end(), [](double x) { return x > 0.0; }) &&
                          std::all_of(b.begin(), b.end(), [](double x) { return x > 0.0; });
    if (positive) {
      auto logs = [](std::span<const double> xs) {
        std::vector<double> out;
        out.reserve(xs.size());
        for (double x : xs) out.push_back(std::log(x));
        return out;
      };
      c.welch_p = welch_t_test(logs(b), logs(a)).p_value;
    } else {
      c.welch_p = welch_t_test(b, a).p_value;
    }
  } catch (const StatsError&) {
    // Both sides constant: Welch is undefined; the verdict then rests on the ratio alone.
    c.welch_p = c.mean_a == c.mean_b ? 1.0 : kNaN;
    c.notes.push_back("both sides have zero variance; Welch t test not applicable");
  }
  const auto mw = mann_whitney_u(b, a);
  c.mann_whitney_p = mw.p_value;
  c.mann_whitney_exact = mw.exact;
  try {
    c.hedges_g = hedges_g(b, a);
  } catch (const StatsError&) {
    c.hedges_g = kNaN;
  }
  c.cliffs_delta = cliffs_delta(b, a);
  if (o.equivalence_margin > 0.0) c.equivalence = tost_ratio(a, b, o.equivalence_margin, o.alpha);
  if (std::min(c.n_a, c.n_b) < 9) {
    c.notes.push_back("fewer than 9 repetitions on a side: Mann-Whitney has little power");
  }
  return c;
}

BootstrapOptions bootstrap_options(const CompareOptions& o) {
  BootstrapOptions bo = o.bootstrap;
  bo.level = o.level;
  return bo;
}

void decide(PairComparison& c, const CompareOptions& o) {
  const bool welch_significant = c.welch_p_holm < o.alpha;
  const bool excludes_one = !c.ratio_interval.contains(1.0);
  const bool constant_and_different = std::isnan(c.welch_p) && excludes_one;
  if ((welch_significant && excludes_one) || constant_and_different) {
    const bool lower = c.ratio < 1.0;
    c.verdict = o.lower_is_better ? (lower ? "faster" : "slower") : (lower ? "lower" : "higher");
  } else if (c.equivalence && c.equivalence->equivalent) {
    c.verdict = "equivalent within " + percent(o.equivalence_margin) + "%";
  } else {
    c.verdict = "no significant difference";
  }
  const bool mw_significant = c.mann_whitney_p_holm < o.alpha;
  if (!std::isnan(c.welch_p_holm) && mw_significant != welch_significant) {
    c.notes.push_back(std::string("Mann-Whitney ") + (mw_significant ? "is" : "is not") +
                      " significant where Welch " + (welch_significant ? "is" : "is not"));
  }
}

double number_field(const nlohmann::json& entry, const char* key, std::string_view source,
                    std::size_t index) {
  if (!entry[key].is_number()) {
    throw StatsError(std::string(source) + ": target " + std::to_string(index) + ": \"" + key +
                     "\" must be a number");
  }
  const double v = entry[key].get<double>();
  if (!std::isfinite(v) || v <= 0.0) {
    throw StatsError(std::string(source) + ": target " + std::to_string(index) + ": \"" + key +
                     "\" must be a positive number");
  }
  return v;
}

}  // namespace

BenchmarkSummary summarize_series(const Series& series, double level) {
  if (series.values.empty()) throw StatsError("benchmark '" + series.name + "' has no values");
  BenchmarkSummary out;
  out.name = series.name;
  out.unit = series.unit;
  out.stats = summarize(series.values);
  if (out.stats.n >= 2) out.mean_interval = t_interval_mean(series.values, level);
  out.outliers = classify_outliers(series.values);
  return out;
}

ComparisonReport compare_runs(const std::vector<Series>& a, const std::vector<Series>& b,
                              const CompareOptions& options) {
  ComparisonReport report;
  for (const auto& sa : a) {
    if (const Series* sb = find_paired(b, sa.name)) {
      report.pairs.push_back(compare_samples(pairing_key(sa.name), sa.values, sb->values, options));
    } else {
      report.only_in_a.push_back(sa.name);
    }
  }
  for (const auto& sb : b) {
    if (!find_paired(a, sb.name)) report.only_in_b.push_back(sb.name);
  }
  if (report.pairs.empty()) throw StatsError("no benchmark name occurs in both files");
  correct_and_decide(report.pairs, options);
  return report;
}

PairComparison compare_samples(const std::string& name, std::span<const double> a,
                               std::span<const double> b, const CompareOptions& options) {
  PairComparison c = compare_core(name, a, b, options);
  c.ratio_interval = bootstrap_ratio_of_means(a, b, bootstrap_options(options));
  return c;
}

PairComparison compare_grouped(const std::string& name, const std::vector<std::vector<double>>& a,
                               const std::vector<std::vector<double>>& b,
                               const CompareOptions& options) {
  if (a.size() >= 2 && b.size() >= 2) {
    auto process_means = [&](const std::vector<std::vector<double>>& groups) {
      std::vector<double> means;
      for (const auto& g : groups) {
        if (g.empty()) throw StatsError("benchmark '" + name + "': a process has no repetitions");
        means.push_back(mean(g));
      }
      return means;
    };
    const auto ma = process_means(a);
    const auto mb = process_means(b);
    PairComparison c = compare_core(name, ma, mb, options);
    c.ratio_interval = hierarchical_bootstrap_ratio(a, b, bootstrap_options(options));
    // The smallest exact two-sided U p-value is 2 / C(n_a + n_b, n_a): 0.1 for 3 vs 3, so a
    // few processes can never make Mann-Whitney significant; say so rather than let it look
    // like a disagreement with Welch.
    double ways = 1.0;
    for (std::size_t i = 1; i <= ma.size(); ++i) {
      ways = ways * static_cast<double>(mb.size() + i) / static_cast<double>(i);
    }
    if (2.0 / ways >= options.alpha) {
      std::erase_if(c.notes, [](const std::string& n) { return n.starts_with("fewer than 9"); });
      c.notes.push_back("Mann-Whitney over " + std::to_string(ma.size()) + " and " +
                        std::to_string(mb.size()) +
                        " process means cannot reach p < alpha; Welch decides");
    }
    return c;
  }
  std::vector<double> pooled_a;
  std::vector<double> pooled_b;
  for (const auto& g : a) pooled_a.insert(pooled_a.end(), g.begin(), g.end());
  for (const auto& g : b) pooled_b.insert(pooled_b.end(), g.begin(), g.end());
  PairComparison c = compare_samples(name, pooled_a, pooled_b, options);
  c.notes.push_back("repetitions within one process: CI may be optimistic");
  return c;
}

void correct_and_decide(std::vector<PairComparison>& pairs, const CompareOptions& options) {
  std::vector<double> welch;
  std::vector<double> mw;
  for (const auto& c : pairs) {
    welch.push_back(c.welch_p);
    mw.push_back(c.mann_whitney_p);
  }
  const auto welch_adj = holm(welch);
  const auto mw_adj = holm(mw);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    pairs[i].welch_p_holm = welch_adj[i];
    pairs[i].mann_whitney_p_holm = mw_adj[i];
    decide(pairs[i], options);
  }
}

std::vector<Target> parse_targets(std::string_view text, std::string_view source) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    throw StatsError(std::string(source) + ": malformed JSON: " + e.what());
  }
  if (doc.is_object() && doc.contains("targets")) doc = doc["targets"];
  if (!doc.is_array()) throw StatsError(std::string(source) + ": expected a list of targets");
  std::vector<Target> out;
  std::size_t index = 0;
  for (const auto& e : doc) {
    ++index;
    const std::string where = std::string(source) + ": target " + std::to_string(index);
    if (!e.is_object() || !e.contains("benchmark") || !e["benchmark"].is_string()) {
      throw StatsError(where + ": needs a \"benchmark\" name");
    }
    Target t;
    t.benchmark = e["benchmark"].get<std::string>();
    if (e.contains("metric")) {
      if (!e["metric"].is_string()) throw StatsError(where + ": \"metric\" must be a string");
      t.metric = e["metric"].get<std::string>();
    }
    const bool has_max = e.contains("max");
    const bool has_ratio = e.contains("max_ratio");
    if (has_max == has_ratio)
      throw StatsError(where + ": needs exactly one of \"max\" or \"max_ratio\"");
    if (has_max) {
      t.max = number_field(e, "max", source, index);
    } else {
      t.max_ratio = number_field(e, "max_ratio", source, index);
      if (!e.contains("to") || !e["to"].is_string()) {
        throw StatsError(where + ": \"max_ratio\" needs \"to\": the reference benchmark");
      }
      t.to = e["to"].get<std::string>();
      if (e.contains("to_metric")) {
        if (!e["to_metric"].is_string()) throw StatsError(where + ": \"to_metric\" must be a string");
        t.to_metric = e["to_metric"].get<std::string>();
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<Target> read_targets_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw StatsError(path.string() + ": no such file");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in) throw StatsError(path.string() + ": cannot read file");
  return parse_targets(buffer.str(), path.string());
}

std::vector<TargetResult> check_targets(const std::vector<Target>& targets,
                                        const std::filesystem::path& results,
                                        const CompareOptions& options) {
  return check_targets(targets, std::vector<std::filesystem::path>{results}, options);
}

std::vector<TargetResult> check_targets(const std::vector<Target>& targets,
                                        const std::vector<std::filesystem::path>& results,
                                        const CompareOptions& options) {
  if (results.empty()) throw StatsError("check_targets: no results file");
  for (const auto& file : results) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      throw StatsError(file.string() + ": no such file");
  }
  std::map<std::string, std::vector<Series>> by_metric;
  auto lookup = [&](const std::string& metric, const std::string& name) -> const Series& {
    auto it = by_metric.find(metric);
    if (it == by_metric.end()) {
      std::vector<Series> all;
      for (const auto& file : results) {
        try {
          auto series = read_benchmark_file(file, metric);
          all.insert(all.end(), series.begin(), series.end());
        } catch (const StatsError&) {
          // A counter only some of the files have.
          if (is_time_metric_name(metric)) throw;
        }
      }
      it = by_metric.emplace(metric, std::move(all)).first;
    }
    const Series* s = find_series(it->second, name);
    if (!s) {
      std::string where = results.front().string();
      for (std::size_t i = 1; i < results.size(); ++i) where += ", " + results[i].string();
      throw StatsError(where + ": no benchmark '" + name + "'");
    }
    return *s;
  };
  std::vector<TargetResult> out;
  for (const auto& t : targets) {
    TargetResult r;
    r.target = t;
    const Series& s = lookup(t.metric, t.benchmark);
    r.n = s.values.size();
    double limit = 0.0;
    if (t.max) {
      limit = *t.max;
      r.measured = mean(s.values);
      if (r.n >= 2) r.interval = t_interval_mean(s.values, options.level);
    } else {
      limit = *t.max_ratio;
      const Series& ref = lookup(t.to_metric.empty() ? t.metric : t.to_metric, t.to);
      r.n = std::min(r.n, ref.values.size());
      r.measured = mean(s.values) / mean(ref.values);
      if (s.values.size() >= 2 && ref.values.size() >= 2) {
        r.interval = bootstrap_ratio_of_means(ref.values, s.values, bootstrap_options(options));
      }
    }
    r.pass = r.measured <= limit;
    r.marginal = r.interval && r.interval->contains(limit);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace stats
