#include "stats/compare.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "check.hpp"
#include "stats/confidence.hpp"
#include "stats/correction.hpp"
#include "stats/descriptive.hpp"
#include "stats/effect_size.hpp"
#include "stats/hypothesis.hpp"

namespace stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string format(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

bool all_positive(std::span<const double> x) {
  return std::all_of(x.begin(), x.end(), [](double v) { return v > 0.0; });
}

std::vector<double> logs(std::span<const double> x) {
  std::vector<double> out;
  out.reserve(x.size());
  for (double v : x) out.push_back(std::log(v));
  return out;
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

std::string directional(const PairComparison& c, const CompareOptions& o) {
  if (o.lower_is_better) return verdict_name(c.verdict_kind);
  return c.verdict_kind == Verdict::kSlower ? "higher" : "lower";
}

std::string equivalence_text(const EquivalenceBounds& b, const CompareOptions& o) {
  const auto margin = equivalence_bounds(o.equivalence_margin);
  if (margin.enabled && margin.lower == b.lower && margin.upper == b.upper) {
    return "equivalent within " + format(o.equivalence_margin * 100.0) + "%";
  }
  return "equivalent within [" + format(b.lower) + ", " + format(b.upper) + "]";
}

// Where the supplementary tests disagree with the interval, at the same family-wise level.
void note_disagreements(PairComparison& c, const CompareOptions& o) {
  const double level_alpha = o.alpha / static_cast<double>(o.looks);
  const bool directional_verdict =
      c.verdict_kind == Verdict::kSlower || c.verdict_kind == Verdict::kFaster;
  auto note = [&](const char* test, double p_holm) {
    if (std::isnan(p_holm)) return;
    const bool significant = p_holm < level_alpha;
    if (significant == directional_verdict) return;
    c.notes.push_back(std::string(test) + " (Holm) is " + (significant ? "" : "not ") +
                      "significant where the interval " +
                      (directional_verdict ? "excludes 1" : "includes 1") +
                      "; the verdict follows the interval");
  };
  note("Welch", c.welch_p_holm);
  // The smallest exact two-sided U p-value is 2 / C(n_a + n_b, n_a): 0.1 for 3 vs 3, so with
  // few replicates Mann-Whitney can never be significant; say so instead of a disagreement.
  double ways = 1.0;
  for (std::size_t i = 1; i <= c.n_a; ++i) {
    ways = ways * static_cast<double>(c.n_b + i) / static_cast<double>(i);
  }
  if (2.0 / ways >= level_alpha) {
    c.notes.push_back("Mann-Whitney over " + std::to_string(c.n_a) + " and " +
                      std::to_string(c.n_b) + " " + o.replicates + " cannot reach p < " +
                      format(level_alpha));
  } else {
    note("Mann-Whitney", c.mann_whitney_p_holm);
  }
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

PairComparison compare_samples(const std::string& name, std::span<const double> a,
                               std::span<const double> b, const CompareOptions& o) {
  for (std::size_t n : {a.size(), b.size()}) {
    if (n < 2) {
      throw StatsError("benchmark '" + name + "' has n = " + std::to_string(n) +
                       "; comparing needs at least 2 " + o.replicates + " on each side");
    }
  }
  PairComparison c;
  c.name = name;
  c.n_a = a.size();
  c.n_b = b.size();
  c.mean_a = mean(a);
  c.mean_b = mean(b);
  if (!(c.mean_a > 0.0 && c.mean_b > 0.0)) {
    throw StatsError("benchmark '" + name + "': a ratio needs positive means");
  }
  c.sample_a.assign(a.begin(), a.end());
  c.sample_b.assign(b.begin(), b.end());
  // Times are multiplicative - a framework 1000x slower has ~1000x the spread - and the claim is
  // a ratio, so the inference runs on the logs: the ratio of geometric means, Banerjee's
  // interval on the log scale. On raw times the slow side's variance swamps the fast side's.
  const bool positive = all_positive(a) && all_positive(b);
  if (positive) {
    c.ci_method = "banerjee_log_bonferroni";
    c.log = log_scale(a, b);
    c.ratio = std::exp(c.log.d);
  } else {
    // A counter that can be 0: no logs. Fieller's interval (with Banerjee's quantiles) for the
    // ratio of means; the log-scale summary for needs and mde by the delta method (relative
    // variances).
    c.ci_method = "fieller_banerjee_bonferroni";
    c.ratio = c.mean_b / c.mean_a;
    c.log = {std::log(c.ratio), variance(a) / (c.mean_a * c.mean_a), c.sample_a.size() * 1.0,
             variance(b) / (c.mean_b * c.mean_b), c.sample_b.size() * 1.0};
  }
  try {
    c.welch_p = positive ? welch_t_test(logs(b), logs(a)).p_value : welch_t_test(b, a).p_value;
  } catch (const StatsError&) {
    c.welch_p = kNaN;
    c.notes.push_back("both sides have zero variance: the interval is the point estimate");
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
  return c;
}

double family_level(std::size_t m, const CompareOptions& o) {
  if (!(o.alpha > 0.0 && o.alpha < 1.0)) detail::fail("family_level", "alpha must be in (0, 1)");
  if (o.looks < 1) detail::fail("family_level", "looks must be >= 1");
  return 1.0 - o.alpha / static_cast<double>(std::max<std::size_t>(m, 1) * o.looks);
}

void decide(PairComparison& c, double level, const EquivalenceBounds& bounds,
            const CompareOptions& o) {
  c.bounds = bounds;
  if (c.ci_method == "fieller_banerjee_bonferroni") {
    c.ratio_interval = fieller_banerjee_ratio_interval(c.sample_a, c.sample_b, level);
  } else {
    c.ratio_interval = banerjee_log_interval(c.log, level);
  }
  c.verdict_kind = read_verdict(c.ratio_interval, bounds);
  c.verdict = directional(c, o);
  c.rel_half_width = relative_half_width(c.ratio_interval);
  c.precise = c.rel_half_width <= o.precision;
  c.mde = minimum_detectable_ratio(c.log, level, o.power);
  c.needs.reset();
  switch (c.verdict_kind) {
    case Verdict::kEquivalent:
      c.verdict_text = equivalence_text(bounds, o);
      break;
    case Verdict::kInconclusive:
      c.needs = processes_to_settle(c.log, level, bounds);
      c.verdict_text =
          c.needs ? "inconclusive: needs >= " + std::to_string(*c.needs) + " " + o.replicates
                  : "inconclusive: more " + o.replicates + " would not settle it at this estimate";
      break;
    default:
      c.verdict_text = c.verdict;
  }
}

void correct_and_decide(std::vector<PairComparison>& pairs, const CompareOptions& options,
                        const std::optional<EquivalenceBounds>& bounds) {
  std::vector<double> welch;
  std::vector<double> mw;
  for (const auto& c : pairs) {
    welch.push_back(c.welch_p);
    mw.push_back(c.mann_whitney_p);
  }
  const auto welch_adj = holm(welch);
  const auto mw_adj = holm(mw);
  const double level = family_level(pairs.size(), options);
  const auto family_bounds = bounds.value_or(equivalence_bounds(options.equivalence_margin));
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    pairs[i].welch_p_holm = welch_adj[i];
    pairs[i].mann_whitney_p_holm = mw_adj[i];
    decide(pairs[i], level, family_bounds, options);
    note_disagreements(pairs[i], options);
  }
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

}  // namespace stats
