#include "stats/report_json.hpp"

#include <cmath>

namespace stats {

nlohmann::json interval_json(const std::optional<Interval>& ci) {
  if (!ci) return nullptr;
  return {
      {"lower", number_json(ci->lower)}, {"upper", number_json(ci->upper)}, {"level", ci->level}};
}

nlohmann::json number_json(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json pair_json(const PairComparison& c) {
  return {{"name", c.name},
          {"n_a", c.n_a},
          {"n_b", c.n_b},
          {"mean_a", c.mean_a},
          {"mean_b", c.mean_b},
          {"ratio", c.ratio},
          {"ratio_ci", interval_json(c.ratio_interval)},
          {"ci_method", c.ci_method},
          {"equivalence_bounds",
           c.bounds.enabled ? nlohmann::json{{"lower", c.bounds.lower}, {"upper", c.bounds.upper}}
                            : nlohmann::json(nullptr)},
          {"verdict", c.verdict},
          {"verdict_text", c.verdict_text},
          {"needs_processes", c.needs ? nlohmann::json(*c.needs) : nlohmann::json(nullptr)},
          {"mde", number_json(c.mde)},
          {"rel_half_width", number_json(c.rel_half_width)},
          {"precise", c.precise},
          {"log_se", number_json(c.log.se())},
          {"df", number_json(c.log.df())},
          {"welch_p", number_json(c.welch_p)},
          {"welch_p_holm", number_json(c.welch_p_holm)},
          {"mann_whitney_p", number_json(c.mann_whitney_p)},
          {"mann_whitney_p_holm", number_json(c.mann_whitney_p_holm)},
          {"mann_whitney_exact", c.mann_whitney_exact},
          {"hedges_g", number_json(c.hedges_g)},
          {"cliffs_delta", number_json(c.cliffs_delta)},
          {"notes", c.notes}};
}

}  // namespace stats
