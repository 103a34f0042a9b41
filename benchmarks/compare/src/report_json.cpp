// comparison.json, schema legion-compare/2 (docs/comparison.md documents every field).

#include "stats/report_json.hpp"

#include <algorithm>

#include "compare/report.hpp"
#include "report_common.hpp"

namespace legion_compare {

namespace {

using nlohmann::json;
using stats::number_json;

json optional_json(const std::optional<double>& v) {
  return v ? number_json(*v) : json(nullptr);
}

json side_json(const std::optional<Side>& s) {
  if (!s) return nullptr;
  return {{"processes", s->processes},
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
  return {{"status", g.status},
          {"bounds", {g.lower, g.upper}},
          {"benchmarks", g.benchmarks},
          {"frameworks", frameworks}};
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
              {"criteria", nullptr},
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

}  // namespace legion_compare
