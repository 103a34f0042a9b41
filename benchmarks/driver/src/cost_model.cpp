#include "driver/cost_model.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace legion_driver {
namespace {

double median(std::vector<double> x) {
  if (x.empty()) return 0;
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

std::string scenario_of(const std::string& row) {
  return row.substr(0, row.find('/'));
}

// The cold start is one row, and the A/A rows are in no geometric mean.
void add_regime_bundles(const std::vector<KeptProcess>& processes, FrameworkModel& m) {
  std::map<std::string, std::vector<std::string>> regimes;
  for (const auto& [row, side] : m.rows) {
    const std::string regime = row.substr(row.rfind('/') + 1);
    if (scenario_of(row) == "harness" || regime == "cold_start") continue;
    regimes["@" + regime].push_back(row);
  }
  for (auto& [name, rows] : regimes) {
    std::map<std::string, double> per_scenario;  // each scenario weighs 1 in the mean
    for (const std::string& row : rows) per_scenario[scenario_of(row)] += 1;
    SideModel side;
    for (const KeptProcess& p : processes) {
      double sum = 0, weights = 0;
      bool whole = true;
      for (const std::string& row : rows) {
        const auto it = p.data->rows.find(row);
        if (it == p.data->rows.end() || it->second.failed) {
          whole = false;
          break;
        }
        const double w = 1.0 / per_scenario[scenario_of(row)];
        sum += w * std::log(std::max(it->second.mean_ns, 1e-3));
        weights += w;
      }
      if (whole && weights > 0) side.log_means.push_back(sum / weights);
    }
    m.rows[name] = std::move(side);
    m.bundles[name] = std::move(rows);
  }
}

}  // namespace

FrameworkModel framework_model(const std::vector<KeptProcess>& processes, double min_time_s,
                               double overhead_s) {
  FrameworkModel m;
  std::map<std::string, std::vector<double>> costs;
  std::vector<double> fixed;
  for (const KeptProcess& p : processes) {
    double rows_s = 0;
    for (const auto& [row, s] : p.data->rows) {
      if (s.failed) continue;
      const double cost = s.seconds + (s.per_iteration_s < min_time_s ? min_time_s : 0.0);
      rows_s += cost;
      costs[row].push_back(cost);
      m.rows[row].log_means.push_back(std::log(std::max(s.mean_ns, 1e-3)));
    }
    fixed.push_back(std::max(p.wall_s - rows_s, 0.0));
  }
  m.fixed_s = std::max(median(fixed), 0.01) + overhead_s;
  for (auto& [row, side] : m.rows) side.cost_s = median(costs[row]);
  add_regime_bundles(processes, m);
  const double prior = typical_variance(m);
  for (auto& [row, side] : m.rows) side.prior_variance = prior;
  return m;
}

double predict_process_s(const FrameworkModel& model, const std::vector<KeptProcess>& processes,
                         const std::vector<std::string>& rows,
                         const std::vector<std::string>& always, double overhead_s) {
  if (rows.empty()) {
    std::vector<double> walls;
    for (const KeptProcess& p : processes) {
      if (p.full) walls.push_back(p.wall_s);
    }
    return median(walls) + overhead_s;
  }
  double s = model.fixed_s;
  std::set<std::string> all(rows.begin(), rows.end());
  all.insert(always.begin(), always.end());
  for (const std::string& row : all) {
    if (const auto it = model.rows.find(row); it != model.rows.end()) s += it->second.cost_s;
  }
  return s;
}

}  // namespace legion_driver
