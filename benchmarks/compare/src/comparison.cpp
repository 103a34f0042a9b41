#include "compare/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "compare/benchmark_name.hpp"
#include "compare/input_error.hpp"
#include "stats/descriptive.hpp"
#include "stats/error.hpp"
#include "stats/quantile.hpp"

namespace legion_compare {

namespace {

struct Framework {
  FrameworkInfo info;
  std::vector<const ProcessRun*> processes;
};

// What one framework did for one benchmark, over its processes.
struct Gathered {
  bool present = false;
  std::optional<std::string> error;
  std::vector<std::vector<double>> groups;  // times per process
  Side side;
};

std::string context_string(const nlohmann::json& context, const char* key) {
  const auto it = context.find(key);
  if (it == context.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::vector<Framework> group_by_framework(const std::vector<ProcessRun>& runs,
                                          const Options& options) {
  std::vector<Framework> out;
  std::set<std::string> sources;
  for (const auto& run : runs) {
    if (!sources.insert(run.source).second) {
      throw InputError(run.source + ": given twice (one file is one process)");
    }
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const Framework& f) { return f.info.name == run.framework; });
    if (it == out.end()) {
      out.push_back({{run.framework, run.framework_version, {}, run.context}, {}});
      it = out.end() - 1;
    } else if (options.one_file_per_framework) {
      throw InputError(run.source + ": framework '" + run.framework + "' also comes from " +
                       it->info.files.front() + " (--strict: one file per framework)");
    }
    // Processes of one framework are replicates only if they measured the same thing.
    const ProcessRun& first = *(it->processes.empty() ? &run : it->processes.front());
    for (const char* key : {"seed", "model_latency", "framework_version"}) {
      if (context_string(run.context, key) != context_string(first.context, key)) {
        throw InputError(run.source + ": context." + key + " '" + context_string(run.context, key) +
                         "' differs from '" + context_string(first.context, key) + "' in " +
                         first.source + " (same framework: the processes must be replicates)");
      }
    }
    it->info.files.push_back(run.source);
    it->processes.push_back(&run);
  }
  const auto base = std::find_if(
      out.begin(), out.end(), [&](const Framework& f) { return f.info.name == options.baseline; });
  if (base == out.end()) {
    std::string have;
    for (const auto& f : out) have += (have.empty() ? "" : ", ") + f.info.name;
    throw InputError("baseline '" + options.baseline + "' is not among the frameworks (" + have +
                     "); choose one with --baseline");
  }
  std::rotate(out.begin(), base, base + 1);
  if (out.size() < 2) {
    throw InputError("only framework '" + options.baseline +
                     "' in the files: nothing to compare it with");
  }
  return out;
}

Gathered gather(const Framework& f, const std::string& name) {
  Gathered g;
  std::vector<double> pooled;
  std::map<std::string, std::vector<double>> counters;
  for (const ProcessRun* p : f.processes) {
    const auto it = std::find_if(p->benchmarks.begin(), p->benchmarks.end(),
                                 [&](const BenchmarkRun& b) { return b.name == name; });
    if (it == p->benchmarks.end()) continue;
    g.present = true;
    if (it->error) {
      if (!g.error) g.error = *it->error;
      continue;
    }
    if (it->times_ns.empty()) continue;
    g.groups.push_back(it->times_ns);
    g.side.repetitions.push_back(it->times_ns.size());
    pooled.insert(pooled.end(), it->times_ns.begin(), it->times_ns.end());
    for (const auto& [counter, values] : it->counters) {
      auto& all = counters[counter];
      all.insert(all.end(), values.begin(), values.end());
    }
    for (const auto& label : it->labels) {
      auto& labels = g.side.labels;
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
    }
  }
  if (g.error || g.groups.empty()) return g;
  g.side.processes = g.groups.size();
  double sum = 0.0;
  for (const auto& group : g.groups) sum += stats::mean(group);
  g.side.mean_ns = sum / static_cast<double>(g.groups.size());
  g.side.median_ns = stats::median(pooled);
  for (const auto& [counter, values] : counters) g.side.counters[counter] = stats::mean(values);
  return g;
}

bool is_unsupported(const std::string& message) {
  return message.rfind("unsupported", 0) == 0;
}

// "unsupported: no tools" -> "no tools".
std::string unsupported_reason(const std::string& message) {
  auto rest = message.substr(std::string("unsupported").size());
  const auto start = rest.find_first_not_of(": ");
  return start == std::string::npos ? "no reason given" : rest.substr(start);
}

void add_flags(Row& row) {
  const Side& a = *row.baseline;
  const Side& b = *row.candidate;
  if (!a.labels.empty() && !b.labels.empty() && a.labels != b.labels) {
    row.flags.push_back("different work: hashes differ");
  }
  if (a.labels.size() > 1 || b.labels.size() > 1) {
    row.flags.push_back("output hash varies between repetitions");
  }
  auto differs = [&](const char* counter) {
    const auto ia = a.counters.find(counter);
    const auto ib = b.counters.find(counter);
    return ia != a.counters.end() && ib != b.counters.end() && ia->second != ib->second;
  };
  if (differs("model_calls")) row.flags.push_back("model calls differ");
  if (differs("tokens_in") || differs("tokens_out")) row.flags.push_back("tokens differ");
}

void add_figures(Row& row) {
  std::set<std::string> names;
  for (const auto* side : {&row.baseline, &row.candidate}) {
    if (!*side) continue;
    for (const auto& [counter, value] : (*side)->counters) {
      if (!is_harness_counter(counter)) names.insert(counter);
    }
  }
  auto value = [](const std::optional<Side>& side, const std::string& counter) {
    if (!side) return std::optional<double>();
    const auto it = side->counters.find(counter);
    return it == side->counters.end() ? std::optional<double>() : std::optional(it->second);
  };
  for (const auto& n : names)
    row.figures.push_back({n, value(row.baseline, n), value(row.candidate, n)});
}

// The seed's per-unit overheads (delegation overhead per delegated task, per-turn conversation
// overhead), for the units the framework itself counted.
void add_derived(Row& row) {
  if (!row.stats || !row.baseline || !row.candidate) return;
  static constexpr std::pair<const char*, const char*> kUnits[] = {
      {"delegations", "overhead_per_delegation_ns"}, {"turns", "overhead_per_turn_ns"}};
  const double base = row.baseline->mean_ns;
  for (const auto& [units, name] : kUnits) {
    const auto it = row.candidate->counters.find(units);
    if (it == row.candidate->counters.end() || !(it->second > 0)) continue;
    const double n = it->second;
    const auto& ci = row.stats->ratio_interval;
    row.derived.push_back({name,
                           units,
                           (row.candidate->mean_ns - base) / n,
                           {base * (ci.lower - 1.0) / n, base * (ci.upper - 1.0) / n, ci.level}});
  }
}

Row compare_one(const std::string& name, const Framework& base, const Framework& f,
                const Options& options) {
  Row row;
  row.benchmark = name;
  const auto split = split_benchmark_name(name);
  row.scenario = split.scenario;
  row.regime = split.regime;
  row.framework = f.info.name;
  const Gathered a = gather(base, name);
  const Gathered b = gather(f, name);
  if (a.groups.size()) row.baseline = a.side;
  if (b.groups.size()) row.candidate = b.side;
  auto stop = [&](Status s, std::string reason) {
    row.status = s;
    row.reason = std::move(reason);
    return row;
  };
  if (!b.present) return stop(Status::kMissing, "not in " + f.info.name + "'s files");
  if (b.error) {
    return is_unsupported(*b.error) ? stop(Status::kUnsupported, unsupported_reason(*b.error))
                                    : stop(Status::kFailed, *b.error);
  }
  if (!a.present) return stop(Status::kMissingInBaseline, "not in " + base.info.name + "'s files");
  if (a.error) {
    return is_unsupported(*a.error)
               ? stop(Status::kBaselineUnsupported, unsupported_reason(*a.error))
               : stop(Status::kBaselineFailed, *a.error);
  }
  add_flags(row);
  add_figures(row);
  try {
    row.stats = stats::compare_grouped(name, a.groups, b.groups, options.stats);
    row.hierarchical = a.groups.size() >= 2 && b.groups.size() >= 2;
  } catch (const stats::StatsError& e) {
    return stop(Status::kNotComparable, e.what());
  }
  add_derived(row);
  return row;
}

std::vector<std::string> benchmark_order(const std::vector<Framework>& frameworks) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& f : frameworks) {
    for (const ProcessRun* p : f.processes) {
      for (const auto& b : p->benchmarks) {
        if (seen.insert(b.name).second) names.push_back(b.name);
      }
    }
  }
  // Regimes are separate measurements: keep each regime's rows together.
  std::stable_sort(names.begin(), names.end(), [](const std::string& x, const std::string& y) {
    const auto rx = split_benchmark_name(x).regime;
    const auto ry = split_benchmark_name(y).regime;
    if (regime_rank(rx) != regime_rank(ry)) return regime_rank(rx) < regime_rank(ry);
    return regime_rank(rx) == regime_rank("") && rx < ry;
  });
  return names;
}

std::vector<Geomean> geomeans(const Comparison& c) {
  std::vector<Geomean> out;
  for (const auto& row : c.rows) {
    auto it = std::find_if(out.begin(), out.end(), [&](const Geomean& g) {
      return g.framework == row.framework && g.regime == row.regime;
    });
    if (it == out.end()) {
      out.push_back({row.framework, row.regime, 0, 0, std::nullopt, {}});
      it = out.end() - 1;
    }
    if (row.status != Status::kCompared) it->excluded.push_back(row.benchmark);
  }
  for (auto& g : out) {
    // Each scenario weighs 1, shared among its parameter points, so a scenario measured at
    // five sizes does not count five times.
    std::map<std::string, std::size_t> per_scenario;
    std::vector<const Row*> rows;
    for (const auto& row : c.rows) {
      if (row.framework == g.framework && row.regime == g.regime &&
          row.status == Status::kCompared) {
        rows.push_back(&row);
        ++per_scenario[row.scenario];
      }
    }
    g.benchmarks = rows.size();
    g.scenarios = per_scenario.size();
    if (rows.empty()) continue;
    std::vector<double> ratios;
    std::vector<stats::Interval> intervals;
    std::vector<double> weights;
    for (const Row* row : rows) {
      ratios.push_back(row->stats->ratio);
      intervals.push_back(row->stats->ratio_interval);
      weights.push_back(1.0 / static_cast<double>(per_scenario[row->scenario]));
    }
    g.value = stats::ratio_geometric_mean(ratios, intervals, weights, c.options.stats.level);
  }
  return out;
}

}  // namespace

const char* status_name(Status s) {
  switch (s) {
    case Status::kCompared:
      return "compared";
    case Status::kUnsupported:
      return "unsupported";
    case Status::kFailed:
      return "failed";
    case Status::kBaselineUnsupported:
      return "baseline_unsupported";
    case Status::kBaselineFailed:
      return "baseline_failed";
    case Status::kMissing:
      return "missing";
    case Status::kMissingInBaseline:
      return "missing_in_baseline";
    case Status::kNotComparable:
      return "not_comparable";
  }
  return "unknown";
}

Comparison compare_frameworks(const std::vector<ProcessRun>& runs, const Options& options) {
  Comparison c;
  c.options = options;
  const auto frameworks = group_by_framework(runs, options);
  const Framework& base = frameworks.front();
  for (const auto& f : frameworks) {
    c.frameworks.push_back(f.info);
    if (f.processes.size() == 1) {
      c.warnings.push_back(f.info.name +
                           ": one process: repetitions within one process: CI may be optimistic");
    }
    for (const char* key : {"seed", "model_latency"}) {
      if (context_string(f.info.context, key) != context_string(base.info.context, key)) {
        c.warnings.push_back(f.info.name + ": context." + key + " differs from the baseline's");
      }
    }
  }
  for (const auto& name : benchmark_order(frameworks)) {
    for (std::size_t i = 1; i < frameworks.size(); ++i) {
      c.rows.push_back(compare_one(name, base, frameworks[i], options));
    }
  }
  std::vector<stats::PairComparison> family;
  for (const auto& row : c.rows) {
    if (row.stats) family.push_back(*row.stats);
  }
  c.tests = family.size();
  if (!family.empty()) stats::correct_and_decide(family, options.stats);
  std::size_t k = 0;
  for (auto& row : c.rows) {
    if (row.stats) row.stats = family[k++];
  }
  c.geomeans = geomeans(c);
  return c;
}

}  // namespace legion_compare
