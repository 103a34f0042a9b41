#include "compare/report.hpp"

#include <algorithm>
#include <map>

#include "stats/report_json.hpp"
#include "stats/table.hpp"

namespace legion_compare {

namespace {

using stats::text::number;
using stats::text::p_value;

std::string us(double ns) {
  return number(ns / 1e3);
}

std::string times(const std::optional<Side>& s) {
  return s ? us(s->mean_ns) + " (" + us(s->median_ns) + ")" : "-";
}

// "3x5" for 3 processes of 5 repetitions, "3p/14" when the processes differ.
std::string sample_size(const std::optional<Side>& s) {
  if (!s) return "-";
  std::size_t total = 0;
  bool uniform = true;
  for (auto r : s->repetitions) {
    total += r;
    uniform = uniform && r == s->repetitions.front();
  }
  if (uniform) return std::to_string(s->processes) + "x" + std::to_string(s->repetitions.front());
  return std::to_string(s->processes) + "p/" + std::to_string(total);
}

std::string counter(const std::optional<Side>& s, const char* name) {
  if (!s) return "-";
  const auto it = s->counters.find(name);
  return it == s->counters.end() ? "-" : number(it->second);
}

std::string tokens(const std::optional<Side>& s) {
  if (!s) return "-";
  const auto in = s->counters.find("tokens_in");
  const auto out = s->counters.find("tokens_out");
  if (in == s->counters.end() || out == s->counters.end()) return "-";
  return number(in->second) + "+" + number(out->second);
}

// The memory figure of the regimes that measure one: RSS once the framework started (cold
// start) and live heap bytes per prepared agent (construction; RSS growth where an older run
// has no heap figure). Hot and concurrency rows have none: the process's RSS after a benchmark
// mostly shows what earlier benchmarks left (the counter stays in the JSON).
std::string memory(const std::optional<Side>& s) {
  if (!s) return "-";
  auto find = [&](const char* name) -> std::optional<double> {
    const auto it = s->counters.find(name);
    return it == s->counters.end() ? std::nullopt : std::optional<double>(it->second);
  };
  if (const auto v = find("rss_after_start_bytes")) return number(*v / 1048576.0) + " MiB";
  if (const auto v = find("heap_per_agent_bytes")) return number(*v / 1024.0) + " KiB/agent";
  if (const auto v = find("rss_per_agent_bytes")) return number(*v / 1024.0) + " KiB/agent (RSS)";
  return "-";
}

std::string row_verdict(const Row& r) {
  switch (r.status) {
    case Status::kCompared:
      return r.stats->verdict;
    case Status::kUnsupported:
      return "unsupported: " + r.reason;
    case Status::kFailed:
      return "failed: " + r.reason;
    case Status::kBaselineUnsupported:
      return "baseline unsupported: " + r.reason;
    case Status::kBaselineFailed:
      return "baseline failed: " + r.reason;
    default:
      return std::string(status_name(r.status)) + ": " + r.reason;
  }
}

std::string joined(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

// A figure's value in the table: *_ns counters in us like the times, others as they are.
std::string figure_value(const std::string& name, const std::optional<double>& v) {
  if (!v) return "-";
  const bool ns = name.size() > 3 && name.compare(name.size() - 3, 3, "_ns") == 0;
  return ns ? number(*v / 1000.0) + " us" : number(*v);
}

// The adapters' own figures and the overheads derived from them, for the rows that have any.
void print_figures(std::ostream& out, const Comparison& c, const std::string& regime) {
  const std::string base = c.options.baseline;
  stats::text::Table t({"benchmark", "framework", "figure (mean per run)", base, "framework"});
  for (const auto& r : c.rows) {
    if (r.regime != regime) continue;
    for (const auto& f : r.figures) {
      t.add({r.benchmark, r.framework, f.name, figure_value(f.name, f.baseline),
             figure_value(f.name, f.candidate)});
    }
    for (const auto& d : r.derived) {
      t.add({r.benchmark, r.framework, d.name + " (over " + base + ", per " + d.units + ")", "",
             number(d.value / 1000.0) + " us " +
                 stats::text::interval(stats::Interval{
                     d.interval.lower / 1000.0, d.interval.upper / 1000.0, d.interval.level})});
    }
  }
  if (t.empty()) return;
  out << "frameworks' own figures (Outcome::metrics, docs/harness.md; '-': not published):\n";
  t.print(out);
}

void print_regime(std::ostream& out, const Comparison& c, const std::string& regime) {
  const std::string base = c.options.baseline;
  const std::string level = number(c.options.stats.level * 100.0) + "% CI";
  stats::text::Table t({"benchmark", "framework", "n base/fw", "base us: mean (median)",
                        "fw us: mean (median)", "x slower than " + base + " [" + level + "]",
                        "Welch p (Holm)", "MW p (Holm)", "Hedges g", "Cliff d", "verdict",
                        "model calls base/fw", "tokens in+out base/fw", "memory base/fw", "flags"});
  std::map<std::string, std::vector<std::string>> notes;  // note -> rows it applies to
  for (const auto& r : c.rows) {
    if (r.regime != regime) continue;
    const std::string n = sample_size(r.baseline) + "/" + sample_size(r.candidate);
    const std::string calls =
        counter(r.baseline, "model_calls") + "/" + counter(r.candidate, "model_calls");
    const std::string tok = tokens(r.baseline) + "/" + tokens(r.candidate);
    const std::string mem = memory(r.baseline) + " / " + memory(r.candidate);
    const std::string flags = joined(r.flags, "; ");
    if (!r.stats) {
      t.add({r.benchmark, r.framework, n, times(r.baseline), times(r.candidate), "-", "-", "-", "-",
             "-", row_verdict(r), calls, tok, mem, flags});
      continue;
    }
    const auto& s = *r.stats;
    t.add({r.benchmark, r.framework, n, times(r.baseline), times(r.candidate),
           number(s.ratio) + " " + stats::text::interval(s.ratio_interval),
           p_value(s.welch_p) + " (" + p_value(s.welch_p_holm) + ")",
           p_value(s.mann_whitney_p) + " (" + p_value(s.mann_whitney_p_holm) + ")",
           number(s.hedges_g), number(s.cliffs_delta), s.verdict, calls, tok, mem, flags});
    for (const auto& note : s.notes) notes[note].push_back(r.benchmark + " " + r.framework);
  }
  out << "\n== regime: " << (regime.empty() ? "(none)" : regime) << " ==\n";
  t.print(out);
  for (const auto& [note, rows] : notes) {
    out << "note: " << note << " ("
        << (rows.size() == 1 ? rows.front() : std::to_string(rows.size()) + " rows") << ")\n";
  }
  print_figures(out, c, regime);
}

void print_geomeans(std::ostream& out, const Comparison& c) {
  const std::string level = number(c.options.stats.level * 100.0) + "% CI";
  stats::text::Table t({"framework", "regime", "geomean x slower than " + c.options.baseline, level,
                        "benchmarks", "scenarios", "without ratio"});
  for (const auto& g : c.geomeans) {
    t.add({g.framework, g.regime, g.value ? number(g.value->ratio) : "-",
           g.value ? stats::text::interval(g.value->interval) : "-", std::to_string(g.benchmarks),
           std::to_string(g.scenarios), std::to_string(g.excluded.size())});
  }
  out << "\n== geometric mean of the ratios per framework and regime (each scenario weighs 1; CI "
         "propagated from the per-benchmark CIs on the log scale) ==\n";
  t.print(out);
}

nlohmann::json side_json(const std::optional<Side>& s) {
  if (!s) return nullptr;
  return {{"processes", s->processes}, {"repetitions", s->repetitions}, {"mean_ns", s->mean_ns},
          {"median_ns", s->median_ns}, {"counters", s->counters},       {"labels", s->labels}};
}

}  // namespace

void print_table(std::ostream& out, const Comparison& c) {
  const auto& o = c.options.stats;
  out << "baseline: " << c.options.baseline << "; ratio = mean(framework) / mean("
      << c.options.baseline << "): x slower than " << c.options.baseline
      << " (< 1: faster); time per operation in us\n";
  for (const auto& f : c.frameworks) {
    out << "  " << f.name << (f.version.empty() ? "" : " " + f.version) << ": " << f.files.size()
        << (f.files.size() == 1 ? " process" : " processes") << '\n';
  }
  out << "CI: " << number(o.level * 100.0)
      << "% percentile bootstrap, hierarchical over processes when both sides have >= 2 ("
      << o.bootstrap.resamples << " resamples, seed " << o.bootstrap.seed
      << "); p-values two-sided, Holm across " << c.tests << " comparisons; alpha " << o.alpha
      << '\n';
  std::vector<std::string> regimes;
  for (const auto& r : c.rows) {
    if (std::find(regimes.begin(), regimes.end(), r.regime) == regimes.end())
      regimes.push_back(r.regime);
  }
  for (const auto& regime : regimes) print_regime(out, c, regime);
  print_geomeans(out, c);
  for (const auto& w : c.warnings) out << "warning: " << w << '\n';
}

nlohmann::json to_json(const Comparison& c) {
  const auto& o = c.options.stats;
  nlohmann::json out = {{"schema", "legion-compare/1"},
                        {"baseline", c.options.baseline},
                        {"ratio", "mean(framework) / mean(baseline)"},
                        {"unit", "ns"},
                        {"level", o.level},
                        {"alpha", o.alpha},
                        {"equivalence_margin", o.equivalence_margin},
                        {"resamples", o.bootstrap.resamples},
                        {"seed", o.bootstrap.seed},
                        {"tests", c.tests},
                        {"frameworks", nlohmann::json::array()},
                        {"comparisons", nlohmann::json::array()},
                        {"geometric_means", nlohmann::json::array()},
                        {"warnings", c.warnings}};
  for (const auto& f : c.frameworks) {
    out["frameworks"].push_back(
        {{"name", f.name}, {"version", f.version}, {"files", f.files}, {"context", f.context}});
  }
  for (const auto& r : c.rows) {
    nlohmann::json row = {
        {"benchmark", r.benchmark},
        {"scenario", r.scenario},
        {"regime", r.regime},
        {"framework", r.framework},
        {"status", status_name(r.status)},
        {"reason", r.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.reason)},
        {"baseline", side_json(r.baseline)},
        {"candidate", side_json(r.candidate)},
        {"flags", r.flags},
        {"figures", nlohmann::json::array()},
        {"derived", nlohmann::json::array()},
        {"ci_method", nullptr},
        {"stats", nullptr}};
    for (const auto& f : r.figures) {
      row["figures"].push_back(
          {{"name", f.name},
           {"baseline", f.baseline ? nlohmann::json(*f.baseline) : nullptr},
           {"candidate", f.candidate ? nlohmann::json(*f.candidate) : nullptr}});
    }
    for (const auto& d : r.derived) {
      row["derived"].push_back({{"name", d.name},
                                {"units", d.units},
                                {"value", d.value},
                                {"ci", stats::interval_json(d.interval)}});
    }
    if (r.stats) {
      row["ci_method"] = r.hierarchical ? "hierarchical_bootstrap" : "bootstrap";
      row["stats"] = stats::pair_json(*r.stats);
    }
    out["comparisons"].push_back(std::move(row));
  }
  for (const auto& g : c.geomeans) {
    out["geometric_means"].push_back(
        {{"framework", g.framework},
         {"regime", g.regime},
         {"ratio", g.value ? nlohmann::json(g.value->ratio) : nlohmann::json(nullptr)},
         {"ci", g.value ? stats::interval_json(g.value->interval) : nlohmann::json(nullptr)},
         {"benchmarks", g.benchmarks},
         {"scenarios", g.scenarios},
         {"excluded", g.excluded}});
  }
  return out;
}

}  // namespace legion_compare
