#include "geomeans.hpp"

#include <algorithm>
#include <map>

#include "stats/error.hpp"

namespace legion::compare {

namespace {

// The files present in every side, in order of first appearance.
std::vector<std::string> complete_processes(const std::vector<const Side*>& sides) {
  std::vector<std::string> out;
  for (const auto& file : sides.front()->files) {
    const bool everywhere = std::all_of(sides.begin(), sides.end(), [&](const Side* s) {
      return std::find(s->files.begin(), s->files.end(), file) != s->files.end();
    });
    if (everywhere) out.push_back(file);
  }
  return out;
}

// values[p][i]: process p's mean for row i.
std::vector<std::vector<double>> per_process(const std::vector<const Side*>& sides,
                                             const std::vector<std::string>& files) {
  std::vector<std::vector<double>> out;
  for (const auto& file : files) {
    std::vector<double> values;
    for (const Side* s : sides) {
      const auto at = std::find(s->files.begin(), s->files.end(), file) - s->files.begin();
      values.push_back(s->process_means_ns[static_cast<std::size_t>(at)]);
    }
    out.push_back(std::move(values));
  }
  return out;
}

void fill(Geomean& g, const std::vector<const Row*>& rows, const Options& options) {
  std::map<std::string, std::size_t> per_scenario;
  for (const Row* row : rows) ++per_scenario[row->scenario];
  g.benchmarks = rows.size();
  g.scenarios = per_scenario.size();
  if (rows.empty()) {
    g.reason = "no benchmark of the regime was compared";
    return;
  }
  std::vector<const Side*> base;
  std::vector<const Side*> cand;
  std::vector<double> weights;
  for (const Row* row : rows) {
    base.push_back(&*row->baseline);
    cand.push_back(&*row->candidate);
    weights.push_back(1.0 / static_cast<double>(per_scenario[row->scenario]));
  }
  const auto base_files = complete_processes(base);
  const auto cand_files = complete_processes(cand);
  for (const auto& [files, who] :
       {std::pair{&base_files, options.baseline}, std::pair{&cand_files, g.framework}}) {
    if (files->size() < 2) {
      g.reason = "fewer than 2 " + who + " processes ran every benchmark of the regime";
      return;
    }
  }
  try {
    g.value = stats::geomean_ratio_over_processes(
        per_process(base, base_files), per_process(cand, cand_files), weights,
        1.0 - options.stats.alpha / static_cast<double>(options.stats.looks));
  } catch (const stats::StatsError& e) {
    g.reason = e.what();
  }
}

}  // namespace

std::vector<Geomean> compute_geomeans(const std::vector<Row>& rows, const Options& options) {
  std::vector<Geomean> out;
  std::map<std::pair<std::string, std::string>, std::vector<const Row*>> compared;
  for (const auto& row : rows) {
    if (row.role != Role::kComparison) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const Geomean& g) {
      return g.framework == row.framework && g.regime == row.regime;
    });
    if (it == out.end()) {
      out.push_back({row.framework, row.regime, 0, 0, std::nullopt, "", {}});
      it = out.end() - 1;
    }
    if (row.stats) {
      compared[{row.framework, row.regime}].push_back(&row);
    } else {
      it->excluded.push_back(row.benchmark);
    }
  }
  for (auto& g : out) fill(g, compared[{g.framework, g.regime}], options);
  return out;
}

}  // namespace legion::compare
