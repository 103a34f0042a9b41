#pragma once

// The geometric mean of the ratios per framework and regime (private to the compare library).

#include <vector>

#include "compare/comparison.hpp"

namespace legion::compare {

// Over the compared comparison rows (A/A controls are not comparisons) of each framework and
// regime, each scenario weighing 1 (shared among its parameter points), from the processes
// that ran every one of those rows (stats::geomean_ratio_over_processes), at level
// 1 - alpha / looks. Processes that ran only some rows (an adaptive driver's extra processes)
// sharpen those rows but do not enter the mean: with them the per-process sums would not be
// comparable.
std::vector<Geomean> compute_geomeans(const std::vector<Row>& rows, const Options& options);

}  // namespace legion::compare
