#pragma once

#include <span>

#include "stats/interval.hpp"

namespace stats {

// Student-t interval for the mean: mean +- t_{1-(1-level)/2, n-1} s / sqrt(n). Needs n >= 2 and
// 0 < level < 1; throws StatsError otherwise. Zero variance gives the degenerate [mean, mean].
Interval t_interval_mean(std::span<const double> x, double level = 0.95);

// Fieller's interval for the ratio mean(b) / mean(a) of two independent samples: the set of
// theta for which mean(b) - theta mean(a) is not significantly different from 0 by a Welch t
// test at 1 - level (degrees of freedom by Welch-Satterthwaite at the point estimate). When
// mean(a) is itself not significantly different from 0 the set is unbounded and the interval is
// [-inf, +inf]. Needs n >= 2 on both sides.
Interval fieller_ratio_interval(std::span<const double> a, std::span<const double> b,
                                double level = 0.95);

// Fieller's construction with Banerjee's separate quantiles: the set of theta with
// (mean_b - theta mean_a)^2 <= t_b^2 se_b^2 + theta^2 t_a^2 se_a^2, t_a at n_a - 1 df and t_b at
// n_b - 1 df (instead of one t at Welch's df), so it keeps its level whatever the variance
// ratio. Unbounded ([-inf, +inf]) when mean(a) is not clear of 0. Needs n >= 2 on both sides.
Interval fieller_banerjee_ratio_interval(std::span<const double> a, std::span<const double> b,
                                         double level = 0.95);

// Delta-method interval for the same ratio, on the log scale so it stays positive:
// exp(log r +- t se), se^2 = s_b^2 / (n_b mean_b^2) + s_a^2 / (n_a mean_a^2), Welch df.
// Both means must be > 0.
Interval delta_ratio_interval(std::span<const double> a, std::span<const double> b,
                              double level = 0.95);

}  // namespace stats
