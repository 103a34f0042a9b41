#include "latency_table.hpp"

#include <algorithm>
#include <cmath>

#include "bench_names.hpp"
#include "compare/benchmark_name.hpp"
#include "stats/compare.hpp"
#include "stats/error.hpp"
#include "stats/table.hpp"

namespace legion::compare {

namespace {

const Row* find_row(const std::vector<Row>& rows, const std::string& benchmark,
                    const std::string& framework) {
  const auto it = std::find_if(rows.begin(), rows.end(), [&](const Row& r) {
    return r.benchmark == benchmark && r.framework == framework;
  });
  return it == rows.end() ? nullptr : &*it;
}

std::optional<RatioWithCi> ratio_of(const Row* row) {
  if (row == nullptr || !row->stats) return std::nullopt;
  return RatioWithCi{row->stats->ratio, row->stats->ratio_interval, row->stats->verdict_text};
}

// The framework's figures for one benchmark, and its overhead's log-scale summary when the
// counters allow one (the interval comes with the family, below).
LatencyLine line_for(const Framework& f, const std::string& name) {
  LatencyLine l;
  const auto split = split_benchmark_name(name);
  l.benchmark = name;
  l.scenario = split.scenario;
  l.point = split.point;
  l.regime = split.regime;
  l.framework = f.info.name;
  const Gathered g = gather(f, name);
  auto stop = [&](std::string status, std::string reason) {
    l.status = std::move(status);
    l.reason = std::move(reason);
    return l;
  };
  if (!g.present) return stop("missing", "not in " + f.info.name + "'s files");
  if (g.error) {
    if (bench::is_unsupported(*g.error)) return stop("unsupported", *g.error);
    return stop("failed", *g.error);
  }
  const Side& s = g.side;
  l.processes = s.processes;
  if (std::isfinite(s.geomean_ns)) l.wall_ns = s.geomean_ns;
  l.critical_path_ns = s.critical_path_model_ns;
  l.latency_sum_ns = s.model_latency_ns;
  if (!s.latency_problem.empty()) return stop("not_measured", s.latency_problem);
  if (!s.critical_path_model_ns) {
    return stop("not_measured", "no critical_path_model_ns in " + f.info.name +
                                    "'s files (legion-bench writes it under --model-latency)");
  }
  if (!(*s.critical_path_model_ns > 0.0)) {
    return stop("not_measured", "critical_path_model_ns is 0: no model latency in this case");
  }
  if (!l.wall_ns) return stop("not_measured", "a process's mean time is not positive");
  try {
    l.overhead = Overhead{
        0.0, {}, stats::log_scale_to_constant(s.process_means_ns, *s.critical_path_model_ns)};
  } catch (const stats::StatsError& e) {
    return stop("not_measured", e.what());
  }
  return l;
}

// Each framework's overhead intervals are one family: Bonferroni over them, as its ratios.
void decide_overheads(LatencyTable& t, const stats::CompareOptions& o) {
  for (const auto& l : t.lines) {
    if (l.overhead) ++t.overhead_family[l.framework];
  }
  for (auto& l : t.lines) {
    if (!l.overhead) continue;
    const double level = stats::family_level(t.overhead_family[l.framework], o);
    const auto theta = stats::banerjee_log_interval(l.overhead->log, level);
    l.overhead->value = std::exp(l.overhead->log.d) - 1.0;
    l.overhead->interval = {theta.lower - 1.0, theta.upper - 1.0, level};
    if (l.overhead->interval.upper < 0.0) {
      l.flags.push_back(
          "wall below the critical-path model time: the latency was not waited in "
          "full");
    }
  }
}

// The critical path is a property of the case, the same for every framework: a difference
// means the files did not run the same case (another legion-bench, another scenario file).
void flag_different_paths(LatencyTable& t, const std::string& baseline) {
  for (auto& l : t.lines) {
    if (!l.critical_path_ns || l.framework == baseline) continue;
    const auto base = std::find_if(t.lines.begin(), t.lines.end(), [&](const LatencyLine& b) {
      return b.benchmark == l.benchmark && b.framework == baseline;
    });
    if (base == t.lines.end() || !base->critical_path_ns) continue;
    const double a = *base->critical_path_ns;
    if (std::abs(*l.critical_path_ns - a) > 1e-9 * std::max(a, 1.0)) {
      l.flags.push_back("critical path differs from " + baseline + "'s (" +
                        stats::text::number(a / 1e6) + " ms)");
    }
  }
}

}  // namespace

bool runs_tasks(const std::string& regime) {
  return regime == bench::kHot || regime == bench::kConcurrency;
}

void build_latency_table(Comparison& c, const std::vector<Framework>& frameworks,
                         const std::vector<std::string>& names) {
  LatencyTable t;
  const auto direct = framework_index(frameworks, "direct");
  std::vector<Row> vs_direct;
  if (direct) {
    t.reference = "direct";
    if (*direct == 0) {
      t.direct_family = c.family_rows;  // direct is the baseline: its rows are the ratios
    } else {
      vs_direct = compare_against(frameworks, *direct, names, c.options, t.direct_family);
    }
  }
  bool any_path = false;
  for (const auto& name : names) {
    const auto split = split_benchmark_name(name);
    if (split.scenario == bench::kHarnessScenario || !runs_tasks(split.regime)) continue;
    for (std::size_t i = 0; i < frameworks.size(); ++i) {
      LatencyLine l = line_for(frameworks[i], name);
      if (i != 0) {
        const Row* row = find_row(c.rows, name, l.framework);
        l.vs_baseline = ratio_of(row);
        if (row != nullptr) l.flags = row->flags;
      }
      if (direct && i != *direct) {
        l.vs_direct =
            *direct == 0 ? l.vs_baseline : ratio_of(find_row(vs_direct, name, l.framework));
      }
      any_path = any_path || (l.critical_path_ns && *l.critical_path_ns > 0.0);
      t.lines.push_back(std::move(l));
    }
  }
  // Zero-latency files have no table (their counters, where written, are 0).
  if (latency_regime_of(c.model_latency) != "latency" && !any_path) return;
  decide_overheads(t, c.options.stats);
  flag_different_paths(t, c.options.baseline);
  c.latency = std::move(t);
}

}  // namespace legion::compare
