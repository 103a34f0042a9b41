#include "criteria_builder.hpp"

#include <cmath>
#include <limits>
#include <utility>

#include "bench_names.hpp"
#include "latency_table.hpp"

namespace legion::compare {

namespace {

constexpr const char* kOtherRun = " (one legion-compare run per latency regime)";

CriterionLine line_of(const char* criterion, const std::string& latency_regime,
                      const std::string& benchmark, const std::string& scenario,
                      const std::string& point, const std::string& regime) {
  CriterionLine l;
  l.criterion = criterion;
  l.latency_regime = latency_regime;
  l.benchmark = benchmark;
  l.scenario = scenario;
  l.point = point;
  l.regime = regime;
  return l;
}

void not_measured(CriterionLine& l, const std::string& why) {
  l.verdict = "not_measured";
  l.verdict_text = "not measured: " + why;
}

// The verdict read off `ci` against l.limit; an inconclusive line says how many processes
// (per side) would settle it, from `log` (the log of the quantity whose limit is
// `log_limit_ratio`: the interval of exp(log.d) +- h maps onto `ci`).
void decide(CriterionLine& l, double estimate, const stats::Interval& ci,
            const stats::LogScale& log, double log_limit_ratio) {
  l.estimate = estimate;
  l.interval = ci;
  switch (stats::read_limit(ci, l.limit)) {
    case stats::LimitVerdict::kBelow:
      l.verdict = "met";
      l.verdict_text = "met";
      return;
    case stats::LimitVerdict::kAbove:
      l.verdict = "missed";
      l.verdict_text = "missed";
      return;
    case stats::LimitVerdict::kStraddles:
      l.verdict = "inconclusive";
      l.needs_processes = stats::processes_to_settle_limit(log, ci.level, log_limit_ratio);
      l.verdict_text =
          l.needs_processes
              ? "inconclusive: needs >= " + std::to_string(*l.needs_processes) + " processes"
              : "inconclusive: more processes would not settle it at "
                "this estimate";
      return;
  }
}

std::string line_reason(const LatencyLine& l) {
  if (l.status == "unsupported" || l.status == "failed") return l.framework + ": " + l.reason;
  return l.reason;
}

void overhead_lines(Criteria& out, const LatencyTable& table) {
  bool any = false;
  for (const auto& l : table.lines) {
    const std::string_view pattern = multi_agent_pattern(l.scenario);
    if (pattern.empty()) continue;
    any = true;
    CriterionLine line =
        line_of(kOverheadCriterion, out.latency_regime, l.benchmark, l.scenario, l.point, l.regime);
    line.pattern = std::string(pattern);
    line.framework = l.framework;
    line.reference = bench::counter::kCriticalPathModelNs;
    line.limit = kOverheadLimit;
    line.flags = l.flags;
    if (l.overhead) {
      decide(line, l.overhead->value, l.overhead->interval, l.overhead->log, 1.0 + kOverheadLimit);
    } else {
      not_measured(line, line_reason(l));
    }
    out.lines.push_back(std::move(line));
  }
  if (!any) {
    out.not_judged.push_back({kOverheadCriterion, out.latency_regime,
                              "no multi-agent scenario among the hot and concurrency benchmarks"});
  }
}

// Why LangChain's row against LEGION has no ratio.
std::string row_reason(const Row& r) {
  switch (r.status) {
    case Status::kUnsupported:
      return "langchain: unsupported: " + r.reason;
    case Status::kFailed:
      return "langchain: failed: " + r.reason;
    case Status::kBaselineUnsupported:
      return "legion: unsupported: " + r.reason;
    case Status::kBaselineFailed:
      return "legion: failed: " + r.reason;
    default:
      return r.reason;
  }
}

// R = LEGION / LangChain is the inverse of LangChain's row against LEGION: its interval is the
// row's, inverted (Banerjee's interval on the logs is symmetric in the two sides).
void within_line(CriterionLine& l, const Row& r) {
  l.flags = r.flags;
  if (!r.stats) return not_measured(l, row_reason(r));
  const auto& s = *r.stats;
  const auto& ci = s.ratio_interval;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const stats::Interval inverted{ci.upper > 0.0 ? 1.0 / ci.upper : kInf,
                                 ci.lower > 0.0 ? 1.0 / ci.lower : kInf, ci.level};
  stats::LogScale log = s.log;
  log.d = -log.d;
  std::swap(log.var_a, log.var_b);
  std::swap(log.n_a, log.n_b);
  decide(l, 1.0 / s.ratio, inverted, log, kWithinLimit);
}

void within_lines(Criteria& out, const Comparison& c, const std::vector<Framework>& frameworks,
                  const std::vector<std::string>& names) {
  const auto legion = framework_index(frameworks, "legion");
  const auto langchain = framework_index(frameworks, "langchain");
  for (const auto& [index, name] :
       {std::pair{legion, "legion"}, std::pair{langchain, "langchain"}}) {
    if (!index) {
      out.not_judged.push_back({kWithinCriterion, out.latency_regime,
                                std::string(name) + "'s processes are not among the inputs"});
      return;
    }
  }
  // LangChain's rows against LEGION: the comparison's own when LEGION is the baseline (the
  // criterion reads the interval printed in its row), else decided as --baseline legion would.
  std::vector<Row> computed;
  const std::vector<Row>* rows = &c.rows;
  if (*legion != 0) {
    std::map<std::string, std::size_t> families;
    computed = compare_against(frameworks, *legion, names, c.options, families);
    rows = &computed;
  }
  bool any = false;
  for (const Row& r : *rows) {
    if (r.framework != "langchain" || r.role != Role::kComparison || !runs_tasks(r.regime)) {
      continue;
    }
    any = true;
    CriterionLine l =
        line_of(kWithinCriterion, out.latency_regime, r.benchmark, r.scenario, r.point, r.regime);
    l.framework = "legion";
    l.reference = "langchain";
    l.limit = kWithinLimit;
    within_line(l, r);
    out.lines.push_back(std::move(l));
  }
  if (!any) {
    out.not_judged.push_back(
        {kWithinCriterion, out.latency_regime, "no hot or concurrency benchmark in the files"});
  }
}

}  // namespace

void judge_criteria(Comparison& c, const std::vector<Framework>& frameworks,
                    const std::vector<std::string>& names) {
  Criteria& out = c.criteria;
  out.model_latency = c.model_latency;
  out.latency_regime = std::string(latency_regime_of(c.model_latency));
  if (!c.latency.empty()) {
    overhead_lines(out, c.latency);
  } else if (out.latency_regime == "zero_latency") {
    out.not_judged.push_back(
        {kOverheadCriterion, "latency",
         "these files ran without model latency (context.model_latency none), where the overhead "
         "over the critical path is undefined: it is judged on files run with --model-latency" +
             std::string(kOtherRun)});
  } else {
    out.not_judged.push_back(
        {kOverheadCriterion, out.latency_regime,
         out.latency_regime == "unknown"
             ? "the files record no context.model_latency and no critical_path_model_ns"
             : "no hot or concurrency benchmark in the files"});
  }
  within_lines(out, c, frameworks, names);
  // The other regime's line of the second criterion comes from the other regime's files.
  if (out.latency_regime == "zero_latency") {
    out.not_judged.push_back({kWithinCriterion, "latency",
                              "judged on files run with --model-latency" + std::string(kOtherRun)});
  } else if (out.latency_regime == "latency") {
    out.not_judged.push_back({kWithinCriterion, "zero_latency",
                              "judged on zero-latency files" + std::string(kOtherRun)});
  }
}

}  // namespace legion::compare
