// The wide table: every figure of every row.

#include <algorithm>
#include <map>

#include "bench_names.hpp"
#include "compare/report.hpp"
#include "report_common.hpp"
#include "report_latency.hpp"
#include "stats/table.hpp"

namespace legion::compare {

namespace {

using report::row_verdict;
using stats::text::number;
using stats::text::p_value;

std::string us(double ns) {
  return number(ns / 1e3);
}

std::string times(const std::optional<Side>& s) {
  return s ? us(s->mean_ns) + " (" + us(s->median_ns) + ")" : "-";
}

std::string cpu(const std::optional<Side>& s) {
  return s && s->cpu_ns ? us(*s->cpu_ns) : "-";
}

// Within a repetition: p50/p95 of the per-iteration times (where the regime times iterations);
// across processes: the sd of the log process means, in percent.
std::string spread(const std::optional<Side>& s) {
  if (!s) return "-";
  std::string out = s->iter_p50_ns && s->iter_p95_ns
                        ? us(*s->iter_p50_ns) + "/" + us(*s->iter_p95_ns) + " "
                        : std::string();
  return out + "sd " + number(s->process_log_sd * 100.0) + "%";
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
  const auto in = s->counters.find(bench::counter::kPromptTokens);
  const auto out = s->counters.find(bench::counter::kCompletionTokens);
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
  if (const auto v = find(bench::counter::kRssAfterStartBytes))
    return number(*v / 1048576.0) + " MiB";
  if (const auto v = find(bench::counter::kHeapPerAgentBytes))
    return number(*v / 1024.0) + " KiB/agent";
  if (const auto v = find(bench::counter::kRssPerAgentBytes))
    return number(*v / 1024.0) + " KiB/agent (RSS)";
  return "-";
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
  stats::text::Table t(
      {"benchmark", "framework", "n base/fw", "base us: mean (median)", "fw us: mean (median)",
       "CPU us base/fw", "spread base | fw", "x slower than " + base + " [CI]", "CI level", "mde",
       "verdict", "Welch p (Holm)", "MW p (Holm)", "Hedges g", "Cliff d", "model calls base/fw",
       "tokens prompt+completion base/fw", "memory base/fw", "flags"});
  std::map<std::string, std::vector<std::string>> notes;  // note -> rows it applies to
  for (const auto& r : c.rows) {
    if (r.regime != regime) continue;
    const std::string n = sample_size(r.baseline) + "/" + sample_size(r.candidate);
    const std::string calls = counter(r.baseline, bench::counter::kModelCalls) + "/" +
                              counter(r.candidate, bench::counter::kModelCalls);
    const std::string tok = tokens(r.baseline) + "/" + tokens(r.candidate);
    const std::string mem = memory(r.baseline) + " / " + memory(r.candidate);
    const std::string cpus = cpu(r.baseline) + "/" + cpu(r.candidate);
    const std::string spreads = spread(r.baseline) + " | " + spread(r.candidate);
    const std::string flags = joined(r.flags, "; ");
    const std::string verdict =
        (r.role == Role::kAaControl ? "A/A control: " : "") + row_verdict(r);
    if (!r.stats) {
      t.add({r.benchmark, r.framework, n, times(r.baseline), times(r.candidate), cpus, spreads, "-",
             "-", "-", verdict, "-", "-", "-", "-", calls, tok, mem, flags});
      continue;
    }
    const auto& s = *r.stats;
    t.add({r.benchmark, r.framework, n, times(r.baseline), times(r.candidate), cpus, spreads,
           report::ratio_ci(s.ratio, s.ratio_interval), report::percent(s.ratio_interval.level),
           number(s.mde), verdict, p_value(s.welch_p) + " (" + p_value(s.welch_p_holm) + ")",
           p_value(s.mann_whitney_p) + " (" + p_value(s.mann_whitney_p_holm) + ")",
           number(s.hedges_g), number(s.cliffs_delta), calls, tok, mem, flags});
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
  stats::text::Table t({"framework", "regime", "geomean x slower than " + c.options.baseline,
                        report::percent(report::single_level(c)) + " CI", "benchmarks", "scenarios",
                        "processes base/fw", "without ratio"});
  for (const auto& g : c.geomeans) {
    t.add({g.framework, g.regime, g.value ? number(g.value->ratio) : "- (" + g.reason + ")",
           g.value ? stats::text::interval(g.value->interval) : "-", std::to_string(g.benchmarks),
           std::to_string(g.scenarios),
           g.value ? std::to_string(g.value->n_a) + "/" + std::to_string(g.value->n_b) : "-",
           std::to_string(g.excluded.size())});
  }
  out << "\n== geometric mean of the ratios per framework and regime (each scenario weighs 1; "
         "per-process geometric means over the processes that ran every benchmark, Banerjee on "
         "their logs) ==\n";
  t.print(out);
}

}  // namespace

void print_full(std::ostream& out, const Comparison& c) {
  const auto& o = c.options.stats;
  out << "baseline: " << c.options.baseline
      << "; ratio = geometric mean of the framework's process means / the baseline's: x slower "
         "than "
      << c.options.baseline << " (< 1: faster); time per operation in us\n";
  for (const auto& f : c.frameworks) {
    out << "  " << f.name << (f.version.empty() ? "" : " " + f.version) << ": " << f.files.size()
        << " processes\n";
  }
  out << "CI: Banerjee's interval on the logs of the process means, per framework simultaneous at "
      << report::percent(1.0 - o.alpha) << " (Bonferroni: each row at 1 - " << o.alpha
      << " / (rows x " << o.looks << " looks)); verdict read off the CI; mde = smallest ratio "
      << "detected with " << report::percent(o.power)
      << " power; Welch and Mann-Whitney p (Holm within the framework) are supplementary\n";
  for (const auto& regime : report::regimes_in_order(c)) print_regime(out, c, regime);
  print_geomeans(out, c);
  report::print_latency_full(out, c);
  for (const auto& w : c.warnings) out << "warning: " << w << '\n';
}

}  // namespace legion::compare
