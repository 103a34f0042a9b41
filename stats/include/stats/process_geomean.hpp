#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "stats/interval.hpp"

namespace stats {

// The weighted geometric mean of several ratios B / A (one per benchmark) whose two sides were
// measured in the same processes: a process's benchmarks share its heap layout, interpreter
// state and scheduling luck, so the ratios are not independent and their intervals cannot be
// combined as if they were. Instead each process p is reduced to one number,
//   G_p = sum_i w_i log x_{p,i}   (weights normalized to sum 1),
// the processes being independent replicates, and the ratio of geometric means is
//   exp(mean_p(G_b) - mean_p(G_a))
// with Banerjee's interval on the G's (banerjee_log_interval). This equals the weighted geometric
// mean of the per-benchmark ratios of geometric means when every process ran every benchmark.
// `a[p][i]` is process p's value (mean time) for benchmark i; every process must have every
// benchmark (the caller keeps only such processes), values > 0 and finite, >= 2 processes per
// side, weights >= 0 with a positive sum; throws StatsError otherwise.
struct GeomeanRatio {
  double ratio = 0.0;
  Interval interval;
  std::size_t n_a = 0;  // processes per side
  std::size_t n_b = 0;
};
GeomeanRatio geomean_ratio_over_processes(const std::vector<std::vector<double>>& a,
                                          const std::vector<std::vector<double>>& b,
                                          std::span<const double> weights, double level = 0.95);

}  // namespace stats
