// The summary (<= 100 columns) and its Markdown spelling.

#include <algorithm>
#include <cmath>
#include <sstream>

#include "compare/benchmark_name.hpp"
#include "compare/report.hpp"
#include "report_common.hpp"
#include "report_latency.hpp"

namespace legion::compare {

namespace {

using report::percent;
using report::ratio_ci;
using stats::text::number;

using report::pad;
using report::wrap;

// What the summary says for a row: the verdict, or only the status (the reason is in the full
// table: it can be a sentence).
std::string short_verdict(const Row& r) {
  if (r.status == Status::kCompared) return r.stats->verdict_text;
  return status_name(r.status);
}

std::string short_ratio(const Row& r) {
  return r.stats ? ratio_ci(r.stats->ratio, r.stats->ratio_interval) : "-";
}

std::string aa_status_line(const Comparison& c) {
  const auto& g = c.aa_gate;
  const std::string bounds = "[" + number(g.lower) + ", " + number(g.upper) + "]";
  if (g.status == "pass") {
    return "A/A gate: pass (every framework's A/A interval lies inside " + bounds + ")";
  }
  if (g.status == "disturbed") {
    return "A/A gate: DISTURBED: an A/A interval is not inside " + bounds +
           "; the ratios below may be biased";
  }
  return "A/A gate: absent (no A/A control row, scenario `harness`, was compared)";
}

std::string aa_framework_line(const AaFramework& f) {
  const auto name = split_benchmark_name(f.benchmark);
  std::string line = f.framework + ": " + name.point + "/" + name.regime + " " +
                     ratio_ci(f.ratio, f.interval) + " " + f.state;
  if (f.needs_processes) line += ": needs >= " + std::to_string(*f.needs_processes) + " processes";
  return line;
}

std::vector<const Row*> inconclusive_rows(const Comparison& c) {
  std::vector<const Row*> out;
  for (const auto& r : c.rows) {
    if (r.role == Role::kComparison && r.stats &&
        r.stats->verdict_kind == stats::Verdict::kInconclusive) {
      out.push_back(&r);
    }
  }
  return out;
}

std::string short_name(const Row& r) {
  return r.regime.empty() ? r.point : r.point + "/" + r.regime;
}

std::string needs_text(const Row& r) {
  return r.stats->needs ? "needs >= " + std::to_string(*r.stats->needs) + " processes"
                        : "more processes would not settle it";
}

std::size_t imprecise_count(const Comparison& c, std::size_t& compared) {
  std::size_t n = 0;
  compared = 0;
  for (const auto& r : c.rows) {
    if (r.role != Role::kComparison || !r.stats) continue;
    ++compared;
    n += !r.stats->precise;
  }
  return n;
}

void print_regime(std::ostream& out, const Comparison& c, const std::string& regime) {
  std::vector<const Row*> rows;
  for (const auto& r : c.rows) {
    if (r.regime == regime && r.role == Role::kComparison) rows.push_back(&r);
  }
  if (rows.empty()) return;
  std::size_t point_w = 0;
  std::size_t fw_w = 0;
  std::size_t ratio_w = 0;
  std::size_t verdict_w = 0;
  for (const Row* r : rows) {
    point_w = std::max(point_w, r->point.size());
    fw_w = std::max(fw_w, r->framework.size());
    ratio_w = std::max(ratio_w, short_ratio(*r).size());
    verdict_w = std::max(verdict_w, short_verdict(*r).size());
  }
  out << "\n== " << (regime.empty() ? "(no regime)" : regime) << " ==\n";
  // One line per row when it fits, else the scenario on a line of its own.
  const bool one_line = point_w + 2 + fw_w + 2 + ratio_w + 2 + verdict_w <= report::kWidth;
  std::string last_point;
  for (const Row* r : rows) {
    const std::string rest =
        pad(r->framework, fw_w) + "  " + pad(short_ratio(*r), ratio_w) + "  " + short_verdict(*r);
    if (one_line) {
      out << pad(r->point == last_point ? "" : r->point, point_w) << "  " << rest << '\n';
    } else {
      if (r->point != last_point) out << r->point << '\n';
      out << "  " << rest << '\n';
    }
    last_point = r->point;
  }
}

void print_geomeans(std::ostream& out, const Comparison& c) {
  out << "\n== geometric means (x slower than " << c.options.baseline << ") ==\n";
  wrap(out,
       "each scenario weighs 1; processes that ran every benchmark of the regime; each CI at " +
           percent(report::single_level(c)) + " on its own");
  std::size_t fw_w = 0;
  std::size_t regime_w = 0;
  std::size_t ratio_w = 0;
  for (const auto& g : c.geomeans) {
    fw_w = std::max(fw_w, g.framework.size());
    regime_w = std::max(regime_w, g.regime.size());
    if (g.value) ratio_w = std::max(ratio_w, ratio_ci(g.value->ratio, g.value->interval).size());
  }
  for (const auto& g : c.geomeans) {
    std::string line = "  " + pad(g.framework, fw_w) + "  " + pad(g.regime, regime_w) + "  ";
    if (g.value) {
      line += pad(ratio_ci(g.value->ratio, g.value->interval), ratio_w) + "  " +
              std::to_string(g.benchmarks) + (g.benchmarks == 1 ? " benchmark" : " benchmarks");
    } else {
      line += "- (" + g.reason + ")";
    }
    wrap(out, line, 4);
  }
}

}  // namespace

void print_summary(std::ostream& out, const Comparison& c) {
  const auto& o = c.options.stats;
  const std::string& base = c.options.baseline;
  wrap(out, "== summary: x slower than " + base + " (geometric means of process means) ==");
  wrap(out, aa_status_line(c));
  for (const auto& f : c.aa_gate.frameworks) {
    if (f.state == "inside") continue;
    wrap(out, "  " + aa_framework_line(f), 4);
    if (!f.outlying.empty()) {
      // The most deviating first, a few of them: the JSON lists every one.
      auto outlying = f.outlying;
      std::stable_sort(outlying.begin(), outlying.end(), [](const auto& x, const auto& y) {
        return std::abs(std::log(x.ratio_to_median)) > std::abs(std::log(y.ratio_to_median));
      });
      constexpr std::size_t kShown = 5;
      std::string files;
      for (std::size_t i = 0; i < outlying.size() && i < kShown; ++i) {
        files += (files.empty() ? "" : ", ") + report::outlier_text(outlying[i]);
      }
      if (outlying.size() > kShown) {
        files += " and " + std::to_string(outlying.size() - kShown) + " more";
      }
      wrap(out,
           "    outlying processes: " + files + "; " +
               report::aa_outlier_rule(c.aa_gate, f.benchmark),
           6);
    } else {
      wrap(out, "    no outlying process; " + report::aa_outlier_rule(c.aa_gate, f.benchmark), 6);
    }
  }
  if (c.machines.ids.empty()) {
    out << "machine: unknown (no context.machine.id)\n";
  } else {
    std::string ids;
    for (const auto& id : c.machines.ids) ids += (ids.empty() ? "" : ", ") + id;
    wrap(out, std::string(c.machines.mixed ? "machines: MIXED: " : "machine: ") + ids +
                  (c.machines.unknown
                       ? " (" + std::to_string(c.machines.unknown) + " processes without an id)"
                       : ""));
  }
  const auto bounds = stats::equivalence_bounds(o.equivalence_margin);
  out << "verdict, read off the CI: slower (wholly above 1), faster (below 1)"
      << (bounds.enabled ? ",\n  equivalent (inside [" + number(bounds.lower) + ", " +
                               number(bounds.upper) + "])"
                         : std::string())
      << ", otherwise inconclusive\n";
  wrap(out, "a framework's CIs hold together at " + percent(1.0 - o.alpha) +
                " (Bonferroni over its rows" +
                (o.looks > 1 ? " and " + std::to_string(o.looks) + " looks" : "") + "):");
  std::size_t fw_w = 0;
  for (const auto& f : c.frameworks) fw_w = std::max(fw_w, f.name.size());
  for (const auto& f : c.frameworks) {
    std::string line =
        "  " + pad(f.name, fw_w) + "  " + std::to_string(f.files.size()) + " processes";
    if (f.name != base) {
      const auto rows = c.family_rows.count(f.name) ? c.family_rows.at(f.name) : 0;
      line += ", " + std::to_string(rows) + " rows, each CI at " +
              percent(report::family_level(c, f.name));
    } else {
      line += " (baseline)";
    }
    out << line << '\n';
  }
  for (const auto& regime : report::regimes_in_order(c)) print_regime(out, c, regime);
  print_geomeans(out, c);
  report::print_latency_summary(out, c);
  out << '\n';
  print_criteria(out, c);
  const auto inconclusive = inconclusive_rows(c);
  if (!inconclusive.empty()) {
    out << "\n== inconclusive: " << inconclusive.size()
        << " rows; processes per side that would settle each at its estimate ==\n";
    std::size_t name_w = 0;
    std::size_t w = 0;
    for (const Row* r : inconclusive) {
      name_w = std::max(name_w, short_name(*r).size());
      w = std::max(w, r->framework.size());
    }
    for (const Row* r : inconclusive) {
      out << "  " << pad(r->framework, w) << "  " << pad(short_name(*r), name_w) << "  "
          << needs_text(*r) << '\n';
    }
  }
  std::size_t compared = 0;
  const std::size_t imprecise = imprecise_count(c, compared);
  out << '\n';
  wrap(out, std::to_string(imprecise) + " of " + std::to_string(compared) +
                " compared rows are imprecise (relative CI half-width above " +
                number(o.precision * 100.0) + "%)");
  for (const auto& w : c.warnings) wrap(out, "warning: " + w);
}

void print_markdown(std::ostream& out, const Comparison& c) {
  const std::string& base = c.options.baseline;
  out << "**" << aa_status_line(c) << "**\n\n";
  for (const auto& f : c.aa_gate.frameworks) {
    out << "- " << aa_framework_line(f);
    for (const auto& p : f.outlying) out << "; outlying: " << report::outlier_text(p);
    out << '\n';
  }
  if (!c.aa_gate.frameworks.empty()) out << '\n';
  out << "Ratio: x slower than " << base
      << " (geometric means of the process means; < 1: faster). Each framework's intervals "
         "hold together at "
      << percent(1.0 - c.options.stats.alpha) << "; the verdict is read off the interval.\n";
  for (const auto& regime : report::regimes_in_order(c)) {
    bool any = false;
    for (const auto& r : c.rows) {
      if (r.regime != regime || r.role != Role::kComparison) continue;
      if (!any) {
        out << "\n### " << (regime.empty() ? "(no regime)" : regime) << "\n\n"
            << "| benchmark | framework | x slower than " << base
            << " [CI] | verdict | mde | CPU us/op base / fw |\n|---|---|---|---|---|---|\n";
        any = true;
      }
      auto cpu = [](const std::optional<Side>& s) {
        return s && s->cpu_ns ? number(*s->cpu_ns / 1e3) : std::string("-");
      };
      out << "| " << r.point << " | " << r.framework << " | " << short_ratio(r) << " | "
          << report::row_verdict(r) << " | " << (r.stats ? number(r.stats->mde) : "-") << " | "
          << cpu(r.baseline) << " / " << cpu(r.candidate) << " |\n";
    }
  }
  out << "\n### Geometric means (" << percent(report::single_level(c))
      << " CI; each scenario weighs 1)\n\n| framework | regime | x slower than " << base
      << " [CI] | benchmarks | scenarios |\n|---|---|---|---|---|\n";
  for (const auto& g : c.geomeans) {
    out << "| " << g.framework << " | " << g.regime << " | "
        << (g.value ? ratio_ci(g.value->ratio, g.value->interval) : "- (" + g.reason + ")") << " | "
        << g.benchmarks << " | " << g.scenarios << " |\n";
  }
  report::print_criteria_markdown(out, c);
  for (const auto& w : c.warnings) out << "\n> warning: " << w << '\n';
}

}  // namespace legion::compare
