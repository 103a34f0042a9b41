#include "driver/comparison_view.hpp"

#include <cmath>
#include <cstdio>

#include "bench_names.hpp"
#include "driver/driver_error.hpp"
#include "driver/process_data.hpp"

namespace legion::driver {
namespace {

using nlohmann::json;

std::optional<double> number(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

std::string text(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// legion-compare/1 spelled verdicts as sentences; /2 uses the four words of the contract.
std::string verdict_word(const std::string& verdict) {
  if (verdict.rfind("slower", 0) == 0) return "slower";
  if (verdict.rfind("faster", 0) == 0) return "faster";
  if (verdict.rfind("equivalent", 0) == 0) return "equivalent";
  return verdict.empty() ? "" : "inconclusive";
}

ComparisonRow read_row(const json& c, double precision) {
  ComparisonRow row;
  row.benchmark = row_name(text(c, "benchmark"));
  row.framework = text(c, "framework");
  row.status = text(c, "status");
  row.aa_control =
      text(c, "role") == "aa_control" || text(c, "scenario") == legion::bench::kHarnessScenario;
  const json& s = c.contains("stats") ? c["stats"] : json();
  if (!s.is_object()) return row;
  row.ratio = number(s, "ratio");
  if (s.contains("ratio_ci")) {
    row.lower = number(s["ratio_ci"], "lower");
    row.upper = number(s["ratio_ci"], "upper");
    row.level = number(s["ratio_ci"], "level");
  }
  row.verdict_text = text(s, "verdict_text");
  row.verdict = verdict_word(text(s, "verdict"));
  if (row.verdict_text.empty()) row.verdict_text = text(s, "verdict");
  if (const auto n = number(s, "needs_processes")) row.needs_processes = static_cast<int>(*n);
  row.rel_half_width = number(s, "rel_half_width");
  if (!row.rel_half_width && row.lower && row.upper && *row.lower > 0 && *row.upper > 0) {
    row.rel_half_width = (std::log(*row.upper) - std::log(*row.lower)) / 2.0;
  }
  if (s.contains("precise") && s["precise"].is_boolean()) {
    row.precise = s["precise"].get<bool>();
  } else {
    row.precise = row.rel_half_width && *row.rel_half_width <= precision;
  }
  return row;
}

AaFramework read_aa(const std::string& name, const json& f) {
  AaFramework out;
  out.framework = name.empty() ? text(f, "framework") : name;
  out.state = text(f, "verdict");
  if (out.state.empty()) out.state = text(f, "state");
  out.ratio = number(f, "ratio");
  out.lower = number(f, "lower");
  out.upper = number(f, "upper");
  if (const auto n = number(f, "needs_processes")) out.needs_processes = static_cast<int>(*n);
  if (f.contains("outlying_processes") && f["outlying_processes"].is_array()) {
    for (const auto& file : f["outlying_processes"]) {
      if (file.is_string()) out.outlying_processes.push_back(file.get<std::string>());
    }
  }
  return out;
}

}  // namespace

ComparisonView read_comparison(const json& doc, double precision) {
  if (!doc.is_object() || !doc.contains("comparisons") || !doc["comparisons"].is_array()) {
    throw DriverError("legion-compare's JSON has no comparisons array");
  }
  ComparisonView view;
  view.schema = text(doc, "schema");
  for (const auto& c : doc["comparisons"]) view.rows.push_back(read_row(c, precision));
  const json& summary = doc.contains("summary") ? doc["summary"] : json();
  if (summary.is_object() && summary.contains("aa_gate") && summary["aa_gate"].is_object()) {
    const json& gate = summary["aa_gate"];
    if (const std::string status = text(gate, "status"); !status.empty()) view.aa_status = status;
    const json& frameworks = gate.contains("frameworks") ? gate["frameworks"] : json();
    if (frameworks.is_object()) {
      for (const auto& [name, f] : frameworks.items()) view.aa.push_back(read_aa(name, f));
    } else if (frameworks.is_array()) {
      for (const auto& f : frameworks) view.aa.push_back(read_aa("", f));
    }
  }
  if (summary.is_object() && summary.contains("machines") && summary["machines"].is_object()) {
    const json& m = summary["machines"];
    if (m.contains("ids") && m["ids"].is_array()) {
      for (const auto& id : m["ids"]) {
        if (id.is_string()) view.machine_ids.push_back(id.get<std::string>());
      }
    }
    view.machines_mixed = m.value("mixed", false);
  }
  if (doc.contains("geometric_means") && doc["geometric_means"].is_array()) {
    for (const auto& g : doc["geometric_means"]) {
      Geomean out{text(g, "framework"), text(g, "regime"), number(g, "ratio"), {}, {}, {}};
      if (g.contains("ci")) {
        out.lower = number(g["ci"], "lower");
        out.upper = number(g["ci"], "upper");
        out.level = number(g["ci"], "level");
      }
      view.geomeans.push_back(std::move(out));
    }
  }
  return view;
}

PrecisionStatus precision_status(const ComparisonView& view) {
  PrecisionStatus out;
  for (const ComparisonRow& r : view.rows) {
    if (r.aa_control || r.status != "compared") continue;
    ++out.total;
    out.precise += r.precise ? 1 : 0;
    if (r.rel_half_width && (!out.widest || *r.rel_half_width > *out.widest->rel_half_width)) {
      out.widest = &r;
    }
  }
  return out;
}

std::string PrecisionStatus::widest_text() const {
  if (!widest) return "-";
  char percent[16];
  std::snprintf(percent, sizeof percent, "%.0f%%", 100 * *widest->rel_half_width);
  return widest->framework + " " + widest->benchmark + " +-" + percent;
}

void strip_framework_suffix(ComparisonView& view, const std::string& suffix) {
  if (suffix.empty()) return;
  const auto strip = [&](std::string& name) {
    if (name.ends_with(suffix)) name.resize(name.size() - suffix.size());
  };
  for (ComparisonRow& row : view.rows) strip(row.framework);
  for (AaFramework& f : view.aa) strip(f.framework);
  for (Geomean& g : view.geomeans) strip(g.framework);
}

}  // namespace legion::driver
