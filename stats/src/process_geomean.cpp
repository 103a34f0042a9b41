#include "stats/process_geomean.hpp"

#include <cmath>

#include "check.hpp"
#include "stats/ratio_inference.hpp"

namespace stats {

namespace {

constexpr const char* kFunction = "geomean_ratio_over_processes";

std::vector<double> per_process(const std::vector<std::vector<double>>& side,
                                std::span<const double> weights, double weight_sum) {
  std::vector<double> out;
  for (const auto& process : side) {
    if (process.size() != weights.size()) {
      detail::fail(kFunction, "every process needs one value per weight");
    }
    detail::require_sample(kFunction, process);
    double g = 0.0;
    for (std::size_t i = 0; i < process.size(); ++i) {
      if (!(process[i] > 0.0)) detail::fail(kFunction, "values must be > 0");
      g += weights[i] / weight_sum * std::log(process[i]);
    }
    out.push_back(std::exp(g));  // log_scale takes the log again
  }
  return out;
}

}  // namespace

GeomeanRatio geomean_ratio_over_processes(const std::vector<std::vector<double>>& a,
                                          const std::vector<std::vector<double>>& b,
                                          std::span<const double> weights, double level) {
  detail::require_level(kFunction, level);
  detail::require_sample(kFunction, weights);
  double weight_sum = 0.0;
  for (double w : weights) {
    if (!(w >= 0.0)) detail::fail(kFunction, "weights must be >= 0");
    weight_sum += w;
  }
  if (!(weight_sum > 0.0)) detail::fail(kFunction, "weights must have a positive sum");
  if (a.size() < 2 || b.size() < 2) detail::fail(kFunction, "needs >= 2 processes per side");
  const auto ga = per_process(a, weights, weight_sum);
  const auto gb = per_process(b, weights, weight_sum);
  const LogScale s = log_scale(ga, gb);
  return {std::exp(s.d), banerjee_log_interval(s, level), a.size(), b.size()};
}

}  // namespace stats
