#include "driver/cost_model.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "bench_names.hpp"

namespace legion::driver {
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
    if (scenario_of(row) == legion::bench::kHarnessScenario || regime == legion::bench::kColdStart)
      continue;
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
  std::vector<double> rest;  // per process: its wall time less what its rows measured
  for (const KeptProcess& p : processes) {
    double rows_s = 0;
    for (const auto& [row, s] : p.data->rows) {
      if (s.failed) continue;
      const double cost = s.seconds + (s.per_iteration_s < min_time_s ? min_time_s : 0.0);
      rows_s += cost;
      costs[row].push_back(cost);
      m.rows[row].log_means.push_back(std::log(std::max(s.mean_ns, 1e-3)));
    }
    rest.push_back(std::max(p.wall_s - rows_s, 0.0));
  }
  // The fixed cost is the smallest rest that is typical (the median: the cold-start processes,
  // start and exit only, are most of the sample); what a process spent above it went into
  // untimed work of its rows (preparing a case, building the retrieval corpus, measuring memory
  // per agent), shared out equally among them and averaged per row over the processes.
  const double fixed = median(rest);
  m.fixed_s = std::max(fixed, 0.01) + overhead_s;
  std::map<std::string, std::vector<double>> untimed;
  for (std::size_t i = 0; i < processes.size(); ++i) {
    std::size_t n = 0;
    for (const auto& [row, s] : processes[i].data->rows) n += s.failed ? 0 : 1;
    if (n == 0) continue;
    for (const auto& [row, s] : processes[i].data->rows) {
      if (!s.failed)
        untimed[row].push_back(std::max(rest[i] - fixed, 0.0) / static_cast<double>(n));
    }
  }
  for (auto& [row, side] : m.rows) {
    const std::vector<double>& u = untimed[row];
    side.cost_s = median(costs[row]) + (u.empty() ? 0.0
                                                  : std::accumulate(u.begin(), u.end(), 0.0) /
                                                        static_cast<double>(u.size()));
  }
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

}  // namespace legion::driver
