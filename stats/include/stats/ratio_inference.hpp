#pragma once

// One comparison of two samples of positive values (times, one value per process) as a ratio,
// and the verdict read off its interval. The interval, the verdict, the power figure (mde) and
// the replication figure (processes_to_settle) all come from the same interval on the log
// scale, so they cannot disagree with one another.
//
// The interval is Banerjee's (1961) for the difference of two normal means with unequal
// variances, applied to the logs: d -+ sqrt(t_a^2 s_a^2 / n_a + t_b^2 s_b^2 / n_b), with t_a
// the Student quantile at n_a - 1 degrees of freedom (t_b likewise). It covers at least its
// nominal level whatever the ratio of the two variances. Welch's interval (Satterthwaite df)
// does not at the extreme levels a family-wise correction asks for: at 1 - 0.05 / 45 with 3
// processes a side and one side's spread 10x the other's its error rate is 3x nominal, 10x
// with 3 against 10 processes (docs/statistics.md has the simulation).

#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "stats/interval.hpp"

namespace stats {

// What the interval says about the ratio b / a:
//  kSlower      the whole interval lies above 1 (b is larger; "higher" for a non-time metric);
//  kFaster      the whole interval lies below 1;
//  kEquivalent  the interval lies inside the equivalence bounds [lower, upper] (and contains 1);
//  kInconclusive  none of these.
// A direction takes precedence over equivalence: [1.01, 1.05] within a 20% margin is kSlower.
enum class Verdict { kSlower, kFaster, kEquivalent, kInconclusive };
const char* verdict_name(Verdict v);  // "slower", "faster", "equivalent", "inconclusive"

// Equivalence bounds on the ratio; equivalence_bounds(m) = [1 / (1 + m), 1 + m], symmetric on
// the log scale so swapping a and b keeps the verdict. `enabled` is false for margin 0.
struct EquivalenceBounds {
  double lower = 1.0;
  double upper = 1.0;
  bool enabled = false;
};
EquivalenceBounds equivalence_bounds(double margin);

// The verdict rule itself (the invariant the tests check on every row).
Verdict read_verdict(const Interval& ci, const EquivalenceBounds& bounds);

// The log-scale summary of the two sides of a ratio: d = log of the ratio, and for each side the
// variance of one observation on the log scale and the number of observations. For
// log_scale d = mean(log b) - mean(log a) (the ratio of geometric means); a caller may fill
// it from a delta-method approximation (relative variances) instead.
struct LogScale {
  double d = 0.0;
  double var_a = 0.0;
  double n_a = 0.0;
  double var_b = 0.0;
  double n_b = 0.0;
  [[nodiscard]] double se() const;  // sqrt(var_a / n_a + var_b / n_b)
  [[nodiscard]] double df() const;  // Welch-Satterthwaite; NaN when se() == 0
};

// From two samples of positive values (n >= 2 each; throws StatsError otherwise).
LogScale log_scale(std::span<const double> a, std::span<const double> b);

// Sample b against a known constant a > 0 (a nominal figure without sampling error, such as the
// critical-path model time a run cannot beat): d = mean(log b) - log a, side a exact (var_a = 0,
// n_a = infinity). Banerjee's interval then reduces to the Student t interval of mean(log b),
// exp(d -+ t_{n_b - 1} s_b / sqrt(n_b)), and processes_to_settle, minimum_detectable_ratio and
// df to their one-sample forms. Needs n_b >= 2 values > 0 and a finite a > 0; throws StatsError
// otherwise.
LogScale log_scale_to_constant(std::span<const double> b, double a);

// Banerjee's interval for d at `level`, mapped back: [exp(d - h), exp(d + h)],
// h = sqrt(t_a^2 var_a / n_a + t_b^2 var_b / n_b). Zero spread on both sides gives the point
// [exp d, exp d].
Interval banerjee_log_interval(const LogScale& s, double level);

// Smallest n (processes per side, both sides n, the observed variances and d held fixed) at
// which the interval at `level` (then h = t_{n-1} sqrt((var_a + var_b) / n)) would give a
// verdict other than inconclusive (kAnyVerdict:
// exclude 1 or, when bounds are enabled, lie inside them) or lie inside the bounds
// (kInsideBounds: the A/A gate). std::nullopt when no n <= 10^6 does (d on a bound, or d = 0
// without bounds) or both variances are 0. A planning figure: d is itself an estimate.
enum class SettleGoal { kAnyVerdict, kInsideBounds };
std::optional<std::size_t> processes_to_settle(const LogScale& s, double level,
                                               const EquivalenceBounds& bounds,
                                               SettleGoal goal = SettleGoal::kAnyVerdict);

// Minimum detectable ratio: the smallest ratio r > 1 (equally 1 / r) whose interval at
// `level` with this replication (the observed variances) excludes 1 with probability `power`.
// The interval's half-width h is random through the variance estimates: h = c se with
// c = h / se as observed, se estimated with Welch's df; the noncentrality solving
// P(T' > c) = power for T' noncentral t(df, ncp) comes from the normal approximation of
// Abramowitz & Stegun 26.7.10 (within 2.1% above the exact root for df >= 2), r = exp(ncp se).
// A planning figure. 1 when se == 0.
double minimum_detectable_ratio(const LogScale& s, double level, double power = 0.8);

// A one-sided claim about a ratio, "it lies below `limit`", read off its two-sided interval:
// kBelow when the upper bound is under the limit, kAbove when the lower bound is over it,
// kStraddles otherwise (the interval contains the limit). Read off an interval at level L it
// is a one-sided test at (1 - L) / 2 in each direction.
enum class LimitVerdict { kBelow, kAbove, kStraddles };
LimitVerdict read_limit(const Interval& ci, double limit);

// Smallest n (processes per side, as processes_to_settle) at which the interval at `level`
// around the observed d would lie wholly on one side of `limit` (> 0); std::nullopt when none
// would (d on the limit) or both variances are 0.
std::optional<std::size_t> processes_to_settle_limit(const LogScale& s, double level, double limit);

// (log upper - log lower) / 2: the interval's relative half-width on the log scale
// (0.10 ~ +-10%); infinite for an unbounded or non-positive lower bound.
double relative_half_width(const Interval& ci);

}  // namespace stats
