#pragma once

// JSON spellings of the statistics results, shared by legion-stats and legion-compare so a
// comparison reads the same in both tools' JSON.

#include <nlohmann/json.hpp>
#include <optional>

#include "stats/compare.hpp"
#include "stats/interval.hpp"

namespace stats {

// {"lower", "upper", "level"}, or null when there is no interval (non-finite bounds as null).
nlohmann::json interval_json(const std::optional<Interval>& ci);
// NaN has no JSON spelling: a non-finite value becomes null ("not computed").
nlohmann::json number_json(double v);
// Every field of a PairComparison but the samples: name, n_a, n_b, mean_a, mean_b, ratio,
// ratio_ci, ci_method, equivalence_bounds, verdict, verdict_text, needs_processes, mde,
// rel_half_width, precise, log_se, df, welch_p, welch_p_holm, mann_whitney_p,
// mann_whitney_p_holm, mann_whitney_exact, hedges_g, cliffs_delta, notes
// (docs/comparison.md documents each).
nlohmann::json pair_json(const PairComparison& c);

}  // namespace stats
