#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "stats/descriptive.hpp"
#include "stats/gbench_json.hpp"
#include "stats/interval.hpp"
#include "stats/outliers.hpp"
#include "stats/ratio_inference.hpp"

namespace stats {

// The analyses behind `legion-stats` and legion-compare: one benchmark summarized, and
// comparisons of two samples as a ratio with one inference per comparison: the verdict is read
// off the interval printed beside it, at the family-wise level (docs/statistics.md).

struct BenchmarkSummary {
  std::string name;
  std::string unit;
  Summary stats;                          // stddev is NaN when n == 1
  std::optional<Interval> mean_interval;  // Student t; absent when n == 1
  OutlierCounts outliers;
};

// Throws StatsError on an empty series or NaN/inf values; n == 1 is summarized without CI.
BenchmarkSummary summarize_series(const Series& series, double level = 0.95);

struct CompareOptions {
  // Family-wise error rate of one family of comparisons (correct_and_decide): with probability
  // >= 1 - alpha every interval of the family covers its true ratio at once.
  double alpha = 0.05;
  // Sequential analyses planned over the same data (an adaptive driver's looks): each look uses
  // alpha / looks, so the error rate over all looks stays <= alpha (Bonferroni over looks).
  std::size_t looks = 1;
  double equivalence_margin = 0.2;  // "equivalent within 20%"; 0 disables equivalence verdicts
  double precision = 0.10;          // relative half-width at or under which a row is `precise`
  double power = 0.8;               // of the minimum detectable ratio
  bool lower_is_better = true;      // times: "slower"/"faster"; else "higher"/"lower"
  // What one sample value is, for "needs >= N <replicates>": "processes" (legion-compare) or
  // "repetitions" (legion-stats compare, one process per file).
  std::string replicates = "processes";
};

struct PairComparison {
  std::string name;
  std::size_t n_a = 0;
  std::size_t n_b = 0;
  double mean_a = 0.0;  // arithmetic mean of sample a
  double mean_b = 0.0;
  // The ratio B / A the interval is about: of geometric means (ci_method banerjee_log_*), or
  // of arithmetic means where a value is <= 0 and logs do not exist (fieller_banerjee_*).
  double ratio = 0.0;
  std::string ci_method;    // "banerjee_log_bonferroni" or "fieller_banerjee_bonferroni"
  LogScale log;             // log-scale summary (delta method for fieller_*)
  Interval ratio_interval;  // at the family level: the verdict is read off it
  EquivalenceBounds bounds;
  Verdict verdict_kind = Verdict::kInconclusive;
  std::string verdict;  // verdict_name, or "higher"/"lower" for lower_is_better = false
  std::string
      verdict_text;  // "slower", "equivalent within 20%", "inconclusive: needs >= 8 processes"
  std::optional<std::size_t> needs;  // inconclusive only: replicates per side that would settle it
  double mde = 0.0;                  // minimum detectable ratio at the family level (> 1)
  double rel_half_width = 0.0;       // relative_half_width(ratio_interval)
  bool precise = false;              // rel_half_width <= options.precision
  // Supplementary, not the verdict: two-sided Welch (on the logs for banerjee_log_*) and
  // Mann-Whitney p, raw and Holm-adjusted within the family; effect sizes of B relative to A.
  double welch_p = 0.0;  // NaN when both sides have zero variance
  double welch_p_holm = 0.0;
  double mann_whitney_p = 0.0;
  double mann_whitney_p_holm = 0.0;
  bool mann_whitney_exact = false;
  double hedges_g = 0.0;  // NaN when the pooled sd is 0
  double cliffs_delta = 0.0;
  std::vector<std::string> notes;  // caveats, and where the supplementary tests disagree
  std::vector<double> sample_a;    // the samples (kept for the Fieller interval)
  std::vector<double> sample_b;
};

// One pair, B relative to A: everything but the interval, the verdict and the Holm-adjusted
// p-values (those need the family). Needs n >= 2 per side and positive means; throws
// StatsError naming `name` otherwise.
PairComparison compare_samples(const std::string& name, std::span<const double> a,
                               std::span<const double> b, const CompareOptions& options = {});

// The per-comparison level of a family of m: 1 - alpha / (m looks) (Bonferroni).
double family_level(std::size_t m, const CompareOptions& options);

// The interval at `level` and everything read off it: verdict, verdict text, needs, mde,
// relative half-width, precise.
void decide(PairComparison& c, double level, const EquivalenceBounds& bounds,
            const CompareOptions& options);

// A family: every interval at family_level(pairs.size()) with the equivalence margin's bounds
// (or `bounds` when given: the A/A gate's), the verdicts read off them, Holm-adjusted Welch and
// Mann-Whitney p-values within the family, and a note on each pair where a supplementary test
// disagrees with the interval.
void correct_and_decide(std::vector<PairComparison>& pairs, const CompareOptions& options = {},
                        const std::optional<EquivalenceBounds>& bounds = std::nullopt);

struct ComparisonReport {
  std::vector<PairComparison> pairs;
  std::vector<std::string> only_in_a;
  std::vector<std::string> only_in_b;
};

// legion-stats compare: pairs series by name, ignoring a "/repeats:N" component (Google
// Benchmark adds it when the repetition count is set in code); the pairs of the run are one
// family. Every paired series needs n >= 2 and positive mean; throws StatsError naming the
// benchmark otherwise, or when no name occurs on both sides.
ComparisonReport compare_runs(const std::vector<Series>& a, const std::vector<Series>& b,
                              const CompareOptions& options = {});

}  // namespace stats
