#pragma once

#include <cstddef>
#include <span>

namespace stats {

// Direction of the alternative hypothesis, always about the first sample relative to the
// second: kLess means "x tends to be smaller than y".
enum class Alternative { kTwoSided, kLess, kGreater };

struct TTestResult {
  double t = 0.0;
  double df = 0.0;
  double p_value = 0.0;
  double mean_difference = 0.0;  // mean(x) - mean(y), or mean(x - y) when paired
};

// All t tests need n >= 2 per sample, finite values, and a non-zero standard error; zero
// variance (constant data) throws StatsError, as R's t.test refuses "essentially constant" data.

// Welch's unequal-variance t test; df by Welch-Satterthwaite.
TTestResult welch_t_test(std::span<const double> x, std::span<const double> y,
                         Alternative alternative = Alternative::kTwoSided);
// Student's two-sample t test with pooled variance, df = n_x + n_y - 2.
TTestResult student_t_test(std::span<const double> x, std::span<const double> y,
                           Alternative alternative = Alternative::kTwoSided);
// Paired t test on x_i - y_i; unequal lengths throw StatsError.
TTestResult paired_t_test(std::span<const double> x, std::span<const double> y,
                          Alternative alternative = Alternative::kTwoSided);

enum class RankMethod { kAuto, kExact, kAsymptotic };

struct RankTestResult {
  double statistic = 0.0;  // Mann-Whitney: U of x (= R's W); signed rank: V = sum of positive ranks
  double p_value = 0.0;
  double z = 0.0;  // standardized statistic of the normal approximation; NaN when exact
  bool exact = false;
};

// Mann-Whitney U test with scipy.stats.mannwhitneyu's defaults (SciPy >= 1.7):
//  - U = R_x - n_x (n_x + 1) / 2 with mid-ranks for ties;
//  - method kAuto: exact when min(n_x, n_y) <= 8 and there are no ties, else asymptotic;
//  - exact: the null distribution of U by counting (no tie correction); two-sided p is twice
//    the smaller tail, capped at 1;
//  - asymptotic: normal with tie correction, sigma^2 = n_x n_y / 12 ((n + 1) - sum(t^3 - t) /
//    (n (n - 1))), and continuity correction 0.5 toward the mean.
// Exact counts use 128-bit integers; when C(n_x + n_y, n_x) would not fit, kAuto falls back to
// the normal approximation and kExact throws StatsError. When every value is tied the
// statistic carries no information: p = 1 (SciPy returns NaN there).
RankTestResult mann_whitney_u(std::span<const double> x, std::span<const double> y,
                              Alternative alternative = Alternative::kTwoSided,
                              RankMethod method = RankMethod::kAuto);

// Wilcoxon signed-rank test on x_i - y_i with R's wilcox.test(paired = TRUE) defaults: zero
// differences dropped; exact when fewer than 50 non-zero differences and no ties, else normal
// with tie and continuity correction.
RankTestResult wilcoxon_signed_rank(std::span<const double> x, std::span<const double> y,
                                    Alternative alternative = Alternative::kTwoSided,
                                    RankMethod method = RankMethod::kAuto);

}  // namespace stats
