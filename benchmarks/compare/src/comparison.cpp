#include "compare/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "bench_names.hpp"
#include "compare/benchmark_name.hpp"
#include "compare/input_error.hpp"
#include "criteria_builder.hpp"
#include "framework_data.hpp"
#include "geomeans.hpp"
#include "latency_table.hpp"
#include "stats/descriptive.hpp"
#include "stats/error.hpp"
#include "stats/quantile.hpp"
#include "stats/table.hpp"

namespace legion::compare {

namespace {

// The counters legion-bench writes per repetition that the side reports as a mean over
// processes (each process's mean first: processes are the replicates).
constexpr const char* kPerProcessCounters[] = {
    bench::counter::kCpuNs, bench::counter::kIterP50Ns, bench::counter::kIterP95Ns,
    bench::counter::kCriticalPathModelNs, bench::counter::kModelLatencyNs};

constexpr const char* kOneRegime =
    ": one comparison is one latency regime; compare each regime's files in a legion-compare "
    "run of its own";

std::string context_string(const nlohmann::json& context, const char* key) {
  const auto it = context.find(key);
  if (it == context.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string machine_id(const nlohmann::json& context) {
  const auto it = context.find("machine");
  if (it == context.end() || !it->is_object()) return "";
  return context_string(*it, "id");
}

std::vector<Framework> group_by_framework(const std::vector<ProcessRun>& runs,
                                          const Options& options) {
  std::vector<Framework> out;
  std::set<std::string> sources;
  for (const auto& run : runs) {
    if (!sources.insert(run.source).second) {
      throw InputError(run.source + ": given twice (one file is one process)");
    }
    // One seed for the whole comparison: the frameworks must have been given the same inputs
    // and the same simulated model.
    const ProcessRun& very_first = runs.front();
    if (context_string(run.context, "seed") != context_string(very_first.context, "seed")) {
      throw InputError(run.source + ": context.seed '" + context_string(run.context, "seed") +
                       "' differs from '" + context_string(very_first.context, "seed") + "' in " +
                       very_first.source + " (every process of a comparison must share the seed)");
    }
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const Framework& f) { return f.info.name == run.framework; });
    if (it == out.end()) {
      out.push_back({{run.framework, run.framework_version, {}, run.context}, {}});
      it = out.end() - 1;
    }
    // Processes of one framework are replicates only if they measured the same thing.
    const ProcessRun& first = *(it->processes.empty() ? &run : it->processes.front());
    for (const char* key : {"model_latency", "framework_version"}) {
      if (context_string(run.context, key) != context_string(first.context, key)) {
        throw InputError(run.source + ": context." + key + " '" + context_string(run.context, key) +
                         "' differs from '" + context_string(first.context, key) + "' in " +
                         first.source +
                         (std::string(key) == "model_latency"
                              ? kOneRegime
                              : " (same framework: the processes must be replicates)"));
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
  // One comparison is one latency regime: a ratio between a framework waiting for a model and
  // one that is not measures the latency, not the frameworks (and the criteria are per regime).
  const std::string latency = context_string(out.front().info.context, "model_latency");
  for (const auto& f : out) {
    if (context_string(f.info.context, "model_latency") != latency) {
      throw InputError(f.info.files.front() + ": context.model_latency '" +
                       context_string(f.info.context, "model_latency") +
                       "' differs from the baseline's '" + latency + "' in " +
                       out.front().info.files.front() + kOneRegime);
    }
  }
  if (out.size() < 2) {
    throw InputError("only framework '" + options.baseline +
                     "' in the files: nothing to compare it with");
  }
  for (const auto& f : out) {
    if (f.processes.size() < 2) {
      throw InputError("framework '" + f.info.name + "' has 1 process (" + f.info.files.front() +
                       "); comparing needs >= 2 processes per framework (the process is the "
                       "unit of replication)");
    }
  }
  return out;
}

Machines machines_of(const std::vector<ProcessRun>& runs) {
  Machines m;
  std::set<std::string> ids;
  for (const auto& run : runs) {
    const std::string id = machine_id(run.context);
    if (id.empty()) {
      ++m.unknown;
    } else {
      ids.insert(id);
    }
  }
  m.ids.assign(ids.begin(), ids.end());
  m.mixed = m.ids.size() > 1;
  return m;
}

// The nominal latency counters: one value for the case, so every process must have it and
// agree (a difference means the processes did not run the same case).
void latency_counters(Side& s, std::map<std::string, std::vector<double>>& per_process) {
  for (const auto& [counter, field] :
       {std::pair{bench::counter::kCriticalPathModelNs, &s.critical_path_model_ns},
        std::pair{bench::counter::kModelLatencyNs, &s.model_latency_ns}}) {
    const auto it = per_process.find(counter);
    if (it == per_process.end()) continue;
    const auto& values = it->second;
    if (values.size() != s.processes) {
      s.latency_problem = std::string(counter) + " in " + std::to_string(values.size()) + " of " +
                          std::to_string(s.processes) + " processes";
      continue;
    }
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    if (*hi - *lo > 1e-9 * std::max(std::abs(*hi), 1.0)) {
      s.latency_problem = std::string(counter) + " differs between processes (" +
                          stats::text::number(*lo) + " to " + stats::text::number(*hi) +
                          " ns): not the same case";
      continue;
    }
    *field = stats::mean(values);
  }
}

}  // namespace

Gathered gather(const Framework& f, const std::string& name) {
  Gathered g;
  std::vector<double> pooled;
  std::map<std::string, std::vector<double>> counters;
  std::map<std::string, std::vector<double>> per_process;  // kPerProcessCounters
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
    g.side.files.push_back(p->source);
    g.side.process_means_ns.push_back(stats::mean(it->times_ns));
    g.side.repetitions.push_back(it->times_ns.size());
    pooled.insert(pooled.end(), it->times_ns.begin(), it->times_ns.end());
    for (const auto& [counter, values] : it->counters) {
      auto& all = counters[counter];
      all.insert(all.end(), values.begin(), values.end());
    }
    for (const char* counter : kPerProcessCounters) {
      const auto c = it->counters.find(counter);
      if (c != it->counters.end() && !c->second.empty()) {
        per_process[counter].push_back(stats::mean(c->second));
      }
    }
    for (const auto& label : it->labels) {
      auto& labels = g.side.labels;
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
    }
  }
  if (g.error || g.side.files.empty()) return g;
  Side& s = g.side;
  s.processes = s.files.size();
  s.mean_ns = stats::mean(s.process_means_ns);
  s.median_ns = stats::median(pooled);
  const bool positive = std::all_of(s.process_means_ns.begin(), s.process_means_ns.end(),
                                    [](double v) { return v > 0.0; });
  s.geomean_ns = positive ? stats::geometric_mean(s.process_means_ns) : std::nan("");
  s.process_log_sd = std::nan("");
  if (positive && s.processes >= 2) {
    std::vector<double> logs;
    for (double v : s.process_means_ns) logs.push_back(std::log(v));
    s.process_log_sd = stats::stddev(logs);
  }
  for (const auto& [counter, values] : counters) s.counters[counter] = stats::mean(values);
  // Only when every process has the counter: a mean over some processes would not be the
  // side's figure.
  auto over_processes = [&](const char* counter) -> std::optional<double> {
    const auto it = per_process.find(counter);
    if (it == per_process.end() || it->second.size() != s.processes) return std::nullopt;
    return stats::mean(it->second);
  };
  s.cpu_ns = over_processes(bench::counter::kCpuNs);
  s.iter_p50_ns = over_processes(bench::counter::kIterP50Ns);
  s.iter_p95_ns = over_processes(bench::counter::kIterP95Ns);
  latency_counters(s, per_process);
  return g;
}

namespace {

// "unsupported: no tools" -> "no tools".
std::string unsupported_reason(const std::string& message) {
  std::string reason = bench::unsupported_reason(message);
  return reason.empty() ? "no reason given" : reason;
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
  if (differs(bench::counter::kModelCalls)) row.flags.push_back("model calls differ");
  if (differs(bench::counter::kPromptTokens) || differs(bench::counter::kCompletionTokens))
    row.flags.push_back("tokens differ");
}

void add_figures(Row& row) {
  std::set<std::string> names;
  for (const auto* side : {&row.baseline, &row.candidate}) {
    if (!*side) continue;
    for (const auto& [counter, value] : (*side)->counters) {
      if (!bench::is_harness_counter(counter)) names.insert(counter);
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

// The project brief's per-unit overheads (delegation overhead per delegated task, per-turn
// conversation overhead), for the units the framework itself counted. Computed from the row's
// ratio (of geometric means) and the baseline's geometric mean, so the value lies in its
// interval.
// And, where the framework is the baseline's own over HTTP ("langchain@http" against
// "langchain", legion-bench --transport=http), the client-stack cost per iteration: what the
// framework's OpenAI client, the HTTP exchange and the server's wire work add to the in-process
// run (units: iteration).
void add_derived(Row& row, const std::string& baseline) {
  if (!row.stats || !row.baseline || !row.candidate || row.role != Role::kComparison) return;
  if (row.framework == baseline + kHttpSuffix) {
    const double base = row.baseline->geomean_ns;
    const auto& ci = row.stats->ratio_interval;
    row.derived.push_back({"client_stack_ns",
                           "iteration",
                           base * (row.stats->ratio - 1.0),
                           {base * (ci.lower - 1.0), base * (ci.upper - 1.0), ci.level}});
  }
  static constexpr std::pair<const char*, const char*> kUnits[] = {
      {bench::counter::kDelegations, "overhead_per_delegation_ns"},
      {bench::counter::kTurns, "overhead_per_turn_ns"}};
  const double base = row.baseline->geomean_ns;
  for (const auto& [units, name] : kUnits) {
    const auto it = row.candidate->counters.find(units);
    if (it == row.candidate->counters.end() || !(it->second > 0)) continue;
    const double n = it->second;
    const auto& ci = row.stats->ratio_interval;
    row.derived.push_back({name,
                           units,
                           base * (row.stats->ratio - 1.0) / n,
                           {base * (ci.lower - 1.0) / n, base * (ci.upper - 1.0) / n, ci.level}});
  }
}

Row compare_one(const std::string& name, const Framework& base, const Framework& f,
                const Options& options) {
  Row row;
  row.benchmark = name;
  const auto split = split_benchmark_name(name);
  row.scenario = split.scenario;
  row.point = split.point;
  row.regime = split.regime;
  row.framework = f.info.name;
  row.role = row.scenario == bench::kHarnessScenario ? Role::kAaControl : Role::kComparison;
  const Gathered a = gather(base, name);
  const Gathered b = gather(f, name);
  if (a.side.processes) row.baseline = a.side;
  if (b.side.processes) row.candidate = b.side;
  auto stop = [&](Status s, std::string reason) {
    row.status = s;
    row.reason = std::move(reason);
    return row;
  };
  if (!b.present) return stop(Status::kMissing, "not in " + f.info.name + "'s files");
  if (b.error) {
    return bench::is_unsupported(*b.error)
               ? stop(Status::kUnsupported, unsupported_reason(*b.error))
               : stop(Status::kFailed, *b.error);
  }
  if (!a.present) return stop(Status::kMissingInBaseline, "not in " + base.info.name + "'s files");
  if (a.error) {
    return bench::is_unsupported(*a.error)
               ? stop(Status::kBaselineUnsupported, unsupported_reason(*a.error))
               : stop(Status::kBaselineFailed, *a.error);
  }
  for (const Side* side : {&a.side, &b.side}) {
    if (side->processes < 2) {
      const std::string& who = side == &a.side ? base.info.name : f.info.name;
      throw InputError("benchmark '" + name + "': framework '" + who + "' has it from " +
                       std::to_string(side->processes) + " process (" + side->files.front() +
                       "); comparing needs >= 2 processes per framework and benchmark");
    }
  }
  add_flags(row);
  add_figures(row);
  try {
    row.stats = stats::compare_samples(name, a.side.process_means_ns, b.side.process_means_ns,
                                       options.stats);
  } catch (const stats::StatsError& e) {
    return stop(Status::kNotComparable, e.what());
  }
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

// Each framework's comparison rows are one family (Bonferroni at alpha / (m looks)); each A/A
// row is judged on its own against the A/A bounds.
void decide_families(std::vector<Row>& rows, const stats::CompareOptions& o,
                     std::map<std::string, std::size_t>& family_rows) {
  std::map<std::string, std::vector<Row*>> families;
  for (auto& row : rows) {
    if (!row.stats) continue;
    if (row.role == Role::kAaControl) {
      std::vector<stats::PairComparison> one = {*row.stats};
      stats::correct_and_decide(one, o, stats::EquivalenceBounds{kAaLower, kAaUpper, true});
      row.stats = one.front();
    } else {
      families[row.framework].push_back(&row);
    }
  }
  for (auto& [framework, members] : families) {
    std::vector<stats::PairComparison> family;
    for (const Row* row : members) family.push_back(*row->stats);
    stats::correct_and_decide(family, o);
    for (std::size_t i = 0; i < members.size(); ++i) members[i]->stats = family[i];
    family_rows[framework] = members.size();
  }
}

}  // namespace

std::optional<std::size_t> framework_index(const std::vector<Framework>& frameworks,
                                           const std::string& name) {
  for (std::size_t i = 0; i < frameworks.size(); ++i) {
    if (frameworks[i].info.name == name) return i;
  }
  return std::nullopt;
}

std::vector<Row> compare_against(const std::vector<Framework>& frameworks, std::size_t base,
                                 const std::vector<std::string>& names, const Options& options,
                                 std::map<std::string, std::size_t>& family_rows) {
  std::vector<Row> rows;
  for (std::size_t i = 0; i < frameworks.size(); ++i) {
    if (i != base) family_rows[frameworks[i].info.name] = 0;
  }
  for (const auto& name : names) {
    for (std::size_t i = 0; i < frameworks.size(); ++i) {
      if (i != base) rows.push_back(compare_one(name, frameworks[base], frameworks[i], options));
    }
  }
  decide_families(rows, options.stats, family_rows);
  return rows;
}

const char* role_name(Role r) {
  return r == Role::kAaControl ? "aa_control" : "comparison";
}

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
  if (runs.empty()) throw InputError("no files");
  Comparison c;
  c.options = options;
  const auto frameworks = group_by_framework(runs, options);
  c.seed = context_string(runs.front().context, "seed");
  c.model_latency = context_string(frameworks.front().info.context, "model_latency");
  for (const auto& f : frameworks) {
    c.frameworks.push_back(f.info);
    // legion-bench --endpoint: a real model, which answers differently each time.
    if (context_string(f.info.context, "deterministic").starts_with("false")) {
      c.warnings.push_back(f.info.name +
                           ": not deterministic (a real model, legion-bench --endpoint): outcomes "
                           "were checked for structure only and the work differs between runs, so "
                           "its times compare different conversations");
    }
  }
  c.machines = machines_of(runs);
  if (c.machines.mixed) {
    std::string ids;
    for (const auto& id : c.machines.ids) ids += (ids.empty() ? "" : ", ") + id;
    c.warnings.push_back("the processes ran on " + std::to_string(c.machines.ids.size()) +
                         " machines (context.machine.id " + ids +
                         "): ratios are per machine, and these mix them");
  }
  const auto names = benchmark_order(frameworks);
  c.rows = compare_against(frameworks, 0, names, options, c.family_rows);
  for (auto& row : c.rows) add_derived(row, options.baseline);
  c.geomeans = compute_geomeans(c.rows, options);
  c.aa_gate = judge_aa_gate(c.rows, options);
  build_latency_table(c, frameworks, names);
  judge_criteria(c, frameworks, names);
  return c;
}

}  // namespace legion::compare
