// The latency table and the project brief's criteria, as text and Markdown.

#include "report_latency.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "compare/report.hpp"
#include "report_common.hpp"
#include "stats/table.hpp"

namespace legion::compare {

namespace report {

namespace {

using stats::text::number;

std::string ms(const std::optional<double>& ns) {
  return ns ? number(*ns / 1e6) + " ms" : "-";
}

std::string pct(double fraction) {
  return number(fraction * 100.0) + "%";
}

std::string pct_ci(const stats::Interval& ci) {
  return "[" + pct(ci.lower) + ", " + pct(ci.upper) + "]";
}

std::string short_name(const std::string& point, const std::string& regime) {
  return regime.empty() ? point : point + "/" + regime;
}

std::string overhead_text(const LatencyLine& l) {
  if (!l.overhead) return "-";
  return pct(l.overhead->value) + " " + pct_ci(l.overhead->interval);
}

std::string ratio_text(const std::optional<RatioWithCi>& r) {
  return r ? ratio_ci(r->ratio, r->interval) : "-";
}

// What a line without an overhead says instead, short (the full table has the reason).
std::string status_text(const LatencyLine& l) {
  if (l.status == "not_measured") return "not measured: " + l.reason;
  return l.status;
}

// The estimate and interval of a criterion line, in its unit.
std::string estimate_text(const CriterionLine& l) {
  if (!l.estimate || !l.interval) return "-";
  if (l.criterion == kOverheadCriterion) return pct(*l.estimate) + " " + pct_ci(*l.interval);
  return ratio_ci(*l.estimate, *l.interval);
}

std::string criterion_rule(const std::string& criterion, const Comparison& c) {
  if (criterion == kOverheadCriterion) {
    return "per multi-agent scenario and framework: (wall - critical-path model time) / "
           "critical-path model time; each framework's overhead CIs hold together at " +
           percent(1.0 - c.options.stats.alpha);
  }
  return "per benchmark both ran: R = LEGION's wall / LangChain's, the CI of LangChain's row "
         "against LEGION inverted (its family's level); met when R's CI lies below 1.2 (LEGION "
         "at most 20% slower, or faster)";
}

// `start` followed by the words of `text`, continued on lines that begin at `column`.
void hang(std::ostream& out, const std::string& start, const std::string& text,
          std::size_t column) {
  std::istringstream words(text);
  std::string line = start;
  bool fresh = true;  // nothing of `text` on this line yet
  for (std::string word; words >> word;) {
    if (!fresh && line.size() + 1 + word.size() > kWidth) {
      out << line << '\n';
      line = std::string(column, ' ');
      fresh = true;
    }
    line += (fresh ? "" : " ") + word;
    fresh = false;
  }
  out << line << '\n';
}

// One line per criterion line, the benchmark named once. A verdict that would pass the summary's
// width goes on the next line, under the framework; when even the names and estimates do not
// fit, the benchmark gets a line of its own.
void print_lines(std::ostream& out, const std::vector<const CriterionLine*>& lines) {
  std::size_t name_w = 0;
  std::size_t fw_w = 0;
  std::size_t est_w = 0;
  for (const auto* l : lines) {
    name_w = std::max(name_w, short_name(l->point, l->regime).size());
    fw_w = std::max(fw_w, l->criterion == kOverheadCriterion ? l->framework.size() + 2 : 0);
    est_w = std::max(est_w, estimate_text(*l).size() + 2);
  }
  auto head = [&](const CriterionLine& l) {
    return pad(fw_w > 0 ? l.framework : "", fw_w) +
           (l.verdict == "not_measured" ? std::string() : pad(estimate_text(l), est_w));
  };
  auto tail = [&](const CriterionLine& l) {
    std::string text = l.verdict_text;
    for (const auto& flag : l.flags) text += " (" + flag + ")";
    return text;
  };
  const std::size_t column = 2 + name_w + 2;
  const bool names_fit = column + fw_w + est_w <= kWidth;
  std::string last;
  for (const auto* l : lines) {
    const std::string name = short_name(l->point, l->regime);
    if (!names_fit) {
      if (name != last) wrap(out, "  " + name);
      wrap(out, "    " + head(*l) + tail(*l), 4);
    } else {
      const std::string start = "  " + pad(name == last ? "" : name, name_w) + "  " + head(*l);
      if (start.size() + tail(*l).size() <= kWidth) {
        out << start << tail(*l) << '\n';
      } else if (l->verdict == "not_measured") {
        hang(out, start, tail(*l), column + fw_w);
      } else {
        out << start.substr(0, start.find_last_not_of(' ') + 1) << '\n';
        wrap(out, std::string(column + fw_w, ' ') + tail(*l));
      }
    }
    last = name;
  }
}

}  // namespace

const char* criterion_text(const std::string& criterion) {
  return criterion == kOverheadCriterion ? "coordination overhead < 15%"
                                         : "LEGION within 20% of LangChain";
}

std::string latency_regime_text(const std::string& regime, const std::string& model_latency) {
  if (regime == "latency") {
    return model_latency.empty() ? "the latency regime"
                                 : "the latency regime (model latency " + model_latency + ")";
  }
  if (regime == "zero_latency") return "the zero-latency regime";
  return "an unknown latency regime (no context.model_latency)";
}

void print_latency_summary(std::ostream& out, const Comparison& c) {
  const auto& t = c.latency;
  if (t.empty()) return;
  out << "\n== model latency " << c.model_latency
      << ": wall per iteration and the critical path ==\n";
  wrap(out,
       "overhead = (wall - critical-path model time) / critical-path model time, each "
       "framework's CIs together at " +
           percent(1.0 - c.options.stats.alpha) +
           (t.reference.empty()
                ? "; no direct processes among the inputs: no x direct"
                : "; x direct = wall / direct's, with the CI --baseline direct would give"));
  std::size_t fw_w = 0;
  std::size_t wall_w = 0;
  std::size_t direct_w = 0;
  for (const auto& l : t.lines) {
    fw_w = std::max(fw_w, l.framework.size());
    wall_w = std::max(wall_w, ms(l.wall_ns).size());
    direct_w = std::max(direct_w, ratio_text(l.vs_direct).size());
  }
  std::string last;
  for (const auto& l : t.lines) {
    if (l.benchmark != last) {
      const auto path = std::find_if(t.lines.begin(), t.lines.end(), [&](const LatencyLine& x) {
        return x.benchmark == l.benchmark && x.critical_path_ns;
      });
      wrap(out, short_name(l.point, l.regime) + "  critical path " +
                    (path == t.lines.end() ? std::string("-") : ms(path->critical_path_ns)));
      last = l.benchmark;
    }
    std::string line = "  " + pad(l.framework, fw_w) + "  ";
    if (!l.overhead) {
      line += status_text(l);
    } else {
      line +=
          pad(ms(l.wall_ns), wall_w) + "  " +
          (t.reference.empty() ? "" : "x direct " + pad(ratio_text(l.vs_direct), direct_w) + "  ") +
          "overhead " + overhead_text(l);
      std::string flags;
      for (const auto& flag : l.flags) flags += " (" + flag + ")";
      // The columns stay aligned: flags that would pass the width go on a line of their own.
      if (line.size() + flags.size() > kWidth && line.size() <= kWidth) {
        out << line << '\n';
        line = "    " + std::string(fw_w, ' ') + flags;
      } else {
        line += flags;
      }
    }
    wrap(out, line, 4);
  }
}

void print_latency_full(std::ostream& out, const Comparison& c) {
  const auto& t = c.latency;
  if (t.empty()) return;
  const std::string& base = c.options.baseline;
  stats::text::Table table({"benchmark", "framework", "processes", "wall ms", "critical path ms",
                            "latency sum ms", "x " + base + " [CI]", "x direct [CI]",
                            "overhead [CI]", "CI level", "status", "flags"});
  for (const auto& l : t.lines) {
    std::string flags;
    for (const auto& f : l.flags) flags += (flags.empty() ? "" : "; ") + f;
    table.add({l.benchmark, l.framework, std::to_string(l.processes),
               l.wall_ns ? number(*l.wall_ns / 1e6) : "-",
               l.critical_path_ns ? number(*l.critical_path_ns / 1e6) : "-",
               l.latency_sum_ns ? number(*l.latency_sum_ns / 1e6) : "-", ratio_text(l.vs_baseline),
               ratio_text(l.vs_direct), overhead_text(l),
               l.overhead ? percent(l.overhead->interval.level) : "-",
               l.overhead ? "measured" : status_text(l), flags});
  }
  out << "\n== model latency " << c.model_latency
      << ": coordination overhead = (wall - critical-path model time) / critical-path model time; "
         "its CI is Student's on the logs of the process means (the critical path is exact), "
         "Bonferroni over each framework's overhead rows; x direct as --baseline direct ==\n";
  table.print(out);
}

void print_criteria_markdown(std::ostream& out, const Comparison& c) {
  if (!c.latency.empty()) {
    out << "\n### Model latency " << c.model_latency
        << ": coordination overhead = (wall - critical path) / critical path\n\n"
        << "| benchmark | framework | wall ms | critical path ms | x direct [CI] | overhead [CI] "
           "|\n|---|---|---|---|---|---|\n";
    for (const auto& l : c.latency.lines) {
      out << "| " << short_name(l.point, l.regime) << " | " << l.framework << " | "
          << (l.wall_ns ? number(*l.wall_ns / 1e6) : "-") << " | "
          << (l.critical_path_ns ? number(*l.critical_path_ns / 1e6) : "-") << " | "
          << ratio_text(l.vs_direct) << " | " << (l.overhead ? overhead_text(l) : status_text(l))
          << " |\n";
    }
  }
  const auto& k = c.criteria;
  out << "\n### The project brief's criteria: "
      << latency_regime_text(k.latency_regime, k.model_latency)
      << "\n\nmet: the CI lies wholly below the limit; missed: wholly above it; otherwise "
         "inconclusive.\n\n| criterion | benchmark | framework | estimate [CI] | verdict |\n"
         "|---|---|---|---|---|\n";
  for (const auto& l : k.lines) {
    out << "| " << criterion_text(l.criterion) << " | " << short_name(l.point, l.regime) << " | "
        << l.framework << " | " << estimate_text(l) << " | " << l.verdict_text << " |\n";
  }
  for (const auto& n : k.not_judged) {
    out << "\n> not judged here: " << criterion_text(n.criterion) << " in "
        << latency_regime_text(n.latency_regime, "") << ": " << n.reason << '\n';
  }
}

}  // namespace report

void print_criteria(std::ostream& out, const Comparison& c) {
  using report::wrap;
  const auto& k = c.criteria;
  wrap(out, "== the project brief's criteria: " +
                report::latency_regime_text(k.latency_regime, k.model_latency) + " ==");
  out << "met: the CI lies wholly below the limit; missed: wholly above it; otherwise "
         "inconclusive\n";
  std::map<std::string, std::size_t> counts;
  for (const char* criterion : {kOverheadCriterion, kWithinCriterion}) {
    std::vector<const CriterionLine*> lines;
    for (const auto& l : k.lines) {
      if (l.criterion == criterion) lines.push_back(&l);
    }
    if (lines.empty()) continue;
    wrap(out, std::string(report::criterion_text(criterion)) + ", " +
                  report::criterion_rule(criterion, c) + ":");
    report::print_lines(out, lines);
  }
  for (const auto& l : k.lines) ++counts[l.verdict];
  if (!k.lines.empty()) {
    wrap(out, std::to_string(k.lines.size()) + " criterion lines: " +
                  std::to_string(counts["met"]) + " met, " + std::to_string(counts["missed"]) +
                  " missed, " + std::to_string(counts["inconclusive"]) + " inconclusive, " +
                  std::to_string(counts["not_measured"]) + " not measured");
  }
  for (const auto& n : k.not_judged) {
    wrap(out, std::string("not judged here: ") + report::criterion_text(n.criterion) + " in " +
                  report::latency_regime_text(n.latency_regime, "") + ": " + n.reason);
  }
}

}  // namespace legion::compare
