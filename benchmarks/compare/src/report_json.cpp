// comparison.json, schema legion-compare/2 (docs/comparison.md documents every field).

#include "stats/report_json.hpp"

#include <algorithm>

#include "compare/report.hpp"
#include "report_common.hpp"
#include "report_latency.hpp"

namespace legion::compare {

namespace {

using nlohmann::json;
using stats::number_json;

json optional_json(const std::optional<double>& v) {
  return v ? number_json(*v) : json(nullptr);
}

json side_json(const std::optional<Side>& s) {
  if (!s) return nullptr;
  return {
      {"processes", s->processes},
      {"repetitions", s->repetitions},
      {"files", s->files},
      {"process_means_ns", s->process_means_ns},
      {"mean_ns", s->mean_ns},
      {"geomean_ns", number_json(s->geomean_ns)},
      {"median_ns", s->median_ns},
      {"process_log_sd", number_json(s->process_log_sd)},
      {"cpu_ns", optional_json(s->cpu_ns)},
      {"iter_p50_ns", optional_json(s->iter_p50_ns)},
      {"iter_p95_ns", optional_json(s->iter_p95_ns)},
      {"critical_path_model_ns", optional_json(s->critical_path_model_ns)},
      {"model_latency_ns", optional_json(s->model_latency_ns)},
      {"latency_problem", s->latency_problem.empty() ? json(nullptr) : json(s->latency_problem)},
      {"counters", s->counters},
      {"labels", s->labels}};
}

json row_json(const Row& r) {
  json row = {{"benchmark", r.benchmark},
              {"scenario", r.scenario},
              {"point", r.point},
              {"regime", r.regime},
              {"framework", r.framework},
              {"role", role_name(r.role)},
              {"status", status_name(r.status)},
              {"reason", r.reason.empty() ? json(nullptr) : json(r.reason)},
              {"baseline", side_json(r.baseline)},
              {"candidate", side_json(r.candidate)},
              {"flags", r.flags},
              {"figures", json::array()},
              {"derived", json::array()},
              {"stats", r.stats ? stats::pair_json(*r.stats) : json(nullptr)}};
  for (const auto& f : r.figures) {
    row["figures"].push_back({{"name", f.name},
                              {"baseline", optional_json(f.baseline)},
                              {"candidate", optional_json(f.candidate)}});
  }
  for (const auto& d : r.derived) {
    row["derived"].push_back({{"name", d.name},
                              {"units", d.units},
                              {"value", d.value},
                              {"ci", stats::interval_json(d.interval)}});
  }
  return row;
}

json aa_gate_json(const AaGate& g) {
  json frameworks = json::object();
  for (const auto& f : g.frameworks) {
    json outlying = json::array();
    json files = json::array();
    for (const auto& o : f.outlying) {
      outlying.push_back({{"file", o.file},
                          {"framework", o.framework},
                          {"benchmark", o.benchmark},
                          {"ratio_to_median", o.ratio_to_median}});
      if (std::find(files.begin(), files.end(), o.file) == files.end()) files.push_back(o.file);
    }
    frameworks[f.framework] = {
        {"benchmark", f.benchmark},
        {"ratio", f.ratio},
        {"lower", number_json(f.interval.lower)},
        {"upper", number_json(f.interval.upper)},
        {"level", f.interval.level},
        {"processes", f.processes},
        {"verdict", f.state},
        {"needs_processes", f.needs_processes ? json(*f.needs_processes) : json(nullptr)},
        {"outlying_processes", files},
        {"outlying", outlying}};
  }
  json spread = json::array();
  for (const auto& s : g.spread) {
    spread.push_back({{"benchmark", s.benchmark},
                      {"processes", s.processes},
                      {"median_ns", number_json(s.median_ns)},
                      {"fences", s.fence_lower && s.fence_upper ? json{number_json(*s.fence_lower),
                                                                       number_json(*s.fence_upper)}
                                                                : json(nullptr)}});
  }
  return {{"status", g.status},
          {"bounds", {g.lower, g.upper}},
          {"benchmarks", g.benchmarks},
          {"frameworks", frameworks},
          {"spread", spread}};
}

json summary_json(const Comparison& c) {
  json inconclusive = json::array();
  json imprecise = json::array();
  for (const auto& r : c.rows) {
    if (r.role != Role::kComparison || !r.stats) continue;
    const auto& s = *r.stats;
    if (s.verdict_kind == stats::Verdict::kInconclusive) {
      inconclusive.push_back({{"benchmark", r.benchmark},
                              {"framework", r.framework},
                              {"needs_processes", s.needs ? json(*s.needs) : json(nullptr)},
                              {"ratio", s.ratio},
                              {"ratio_ci", stats::interval_json(s.ratio_interval)}});
    }
    if (!s.precise) {
      imprecise.push_back({{"benchmark", r.benchmark},
                           {"framework", r.framework},
                           {"rel_half_width", number_json(s.rel_half_width)}});
    }
  }
  return {
      {"inconclusive", inconclusive},
      {"imprecise", imprecise},
      {"aa_gate", aa_gate_json(c.aa_gate)},
      {"machines",
       {{"ids", c.machines.ids}, {"unknown", c.machines.unknown}, {"mixed", c.machines.mixed}}}};
}

json ratio_json(const std::optional<RatioWithCi>& r) {
  if (!r) return nullptr;
  return {{"ratio", r->ratio},
          {"ci", stats::interval_json(r->interval)},
          {"verdict_text", r->verdict_text}};
}

json levels_json(const Comparison& c, const std::map<std::string, std::size_t>& family) {
  json out = json::object();
  for (const auto& [framework, m] : family) {
    out[framework] = stats::family_level(m, c.options.stats);
  }
  return out;
}

json latency_json(const Comparison& c) {
  const auto& t = c.latency;
  if (t.empty()) return nullptr;
  json lines = json::array();
  for (const auto& l : t.lines) {
    lines.push_back(
        {{"benchmark", l.benchmark},
         {"scenario", l.scenario},
         {"point", l.point},
         {"regime", l.regime},
         {"framework", l.framework},
         {"status", l.status},
         {"reason", l.reason.empty() ? json(nullptr) : json(l.reason)},
         {"processes", l.processes},
         {"wall_ns", optional_json(l.wall_ns)},
         {"critical_path_model_ns", optional_json(l.critical_path_ns)},
         {"model_latency_ns", optional_json(l.latency_sum_ns)},
         {"vs_baseline", ratio_json(l.vs_baseline)},
         {"vs_direct", ratio_json(l.vs_direct)},
         {"overhead", l.overhead ? json{{"value", l.overhead->value},
                                        {"ci", stats::interval_json(l.overhead->interval)}}
                                 : json(nullptr)},
         {"flags", l.flags}});
  }
  return {{"model_latency", c.model_latency},
          {"overhead", "(wall - critical_path_model_ns) / critical_path_model_ns"},
          {"wall", "geometric mean of the process means"},
          {"ci_method", "student_log_to_exact_constant_bonferroni"},
          {"reference", t.reference.empty() ? json(nullptr) : json(t.reference)},
          {"family",
           {{"overhead_rows", t.overhead_family},
            {"overhead_level", levels_json(c, t.overhead_family)},
            {"direct_rows", t.direct_family},
            {"direct_level", levels_json(c, t.direct_family)}}},
          {"lines", lines}};
}

json criteria_json(const Comparison& c) {
  const auto& k = c.criteria;
  json lines = json::array();
  std::map<std::string, std::size_t> counts = {
      {"met", 0}, {"missed", 0}, {"inconclusive", 0}, {"not_measured", 0}};
  for (const auto& l : k.lines) {
    ++counts[l.verdict];
    lines.push_back(
        {{"criterion", l.criterion},
         {"text", report::criterion_text(l.criterion)},
         {"latency_regime", l.latency_regime},
         {"benchmark", l.benchmark},
         {"scenario", l.scenario},
         {"point", l.point},
         {"regime", l.regime},
         {"pattern", l.pattern.empty() ? json(nullptr) : json(l.pattern)},
         {"framework", l.framework},
         {"reference", l.reference},
         {"limit", l.limit},
         {"estimate", optional_json(l.estimate)},
         {"ci", l.interval ? stats::interval_json(*l.interval) : json(nullptr)},
         {"verdict", l.verdict},
         {"verdict_text", l.verdict_text},
         {"needs_processes", l.needs_processes ? json(*l.needs_processes) : json(nullptr)},
         {"flags", l.flags}});
  }
  json not_judged = json::array();
  for (const auto& n : k.not_judged) {
    not_judged.push_back({{"criterion", n.criterion},
                          {"text", report::criterion_text(n.criterion)},
                          {"latency_regime", n.latency_regime},
                          {"reason", n.reason}});
  }
  return {{"latency_regime", k.latency_regime},
          {"model_latency", k.model_latency.empty() ? json(nullptr) : json(k.model_latency)},
          {"rule",
           "met: the CI lies wholly below the limit; missed: wholly above it; otherwise "
           "inconclusive"},
          {"counts", counts},
          {"lines", lines},
          {"not_judged", not_judged}};
}

}  // namespace

json to_json(const Comparison& c) {
  const auto& o = c.options.stats;
  json family = {{"method", "bonferroni_per_framework"},
                 {"alpha", o.alpha},
                 {"looks", o.looks},
                 {"per_framework_rows", c.family_rows},
                 {"row_level", json::object()}};
  for (const auto& [framework, m] : c.family_rows) {
    family["row_level"][framework] = report::family_level(c, framework);
  }
  json out = {{"schema", "legion-compare/2"},
              {"baseline", c.options.baseline},
              {"ratio", "geometric mean of the process means (framework) / (baseline)"},
              {"unit", "ns"},
              {"seed", c.seed},
              {"alpha", o.alpha},
              {"looks", o.looks},
              {"precision", o.precision},
              {"equivalence_margin", o.equivalence_margin},
              {"power", o.power},
              {"family", family},
              {"frameworks", json::array()},
              {"comparisons", json::array()},
              {"geometric_means", json::array()},
              {"summary", summary_json(c)},
              {"model_latency", c.model_latency.empty() ? json(nullptr) : json(c.model_latency)},
              {"latency", latency_json(c)},
              {"criteria", criteria_json(c)},
              {"warnings", c.warnings}};
  for (const auto& f : c.frameworks) {
    out["frameworks"].push_back(
        {{"name", f.name}, {"version", f.version}, {"files", f.files}, {"context", f.context}});
  }
  for (const auto& r : c.rows) out["comparisons"].push_back(row_json(r));
  for (const auto& g : c.geomeans) {
    out["geometric_means"].push_back(
        {{"framework", g.framework},
         {"regime", g.regime},
         {"ratio", g.value ? json(g.value->ratio) : json(nullptr)},
         {"ci", g.value ? stats::interval_json(g.value->interval) : json(nullptr)},
         {"method", "banerjee_log_complete_processes"},
         {"processes",
          g.value ? json{{"baseline", g.value->n_a}, {"candidate", g.value->n_b}} : json(nullptr)},
         {"reason", g.value ? json(nullptr) : json(g.reason)},
         {"benchmarks", g.benchmarks},
         {"scenarios", g.scenarios},
         {"excluded", g.excluded}});
  }
  return out;
}

}  // namespace legion::compare
