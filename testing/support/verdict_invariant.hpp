#pragma once

// The invariant every comparison must keep: the verdict agrees with the interval printed beside
// it. Checked on the JSON spelling (stats::pair_json: a row's "stats" in comparison.json, a
// pair of legion-stats compare), so it holds for what a reader and a tool see. Returns an empty
// string when the pair keeps it, else what is wrong.

#include <nlohmann/json.hpp>
#include <string>

namespace legion_test {

inline std::string verdict_disagreement(const nlohmann::json& s) {
  const auto& ci = s.at("ratio_ci");
  if (ci.is_null()) return "no interval";
  const std::string verdict = s.at("verdict").get<std::string>();
  const std::string text = s.at("verdict_text").get<std::string>();
  // Unbounded (Fieller) bounds are written as null.
  const double lower = ci.at("lower").is_null() ? -1e308 : ci.at("lower").get<double>();
  const double upper = ci.at("upper").is_null() ? 1e308 : ci.at("upper").get<double>();
  const bool above = lower > 1.0;
  const bool below = upper < 1.0;
  bool inside = false;
  if (!s.at("equivalence_bounds").is_null()) {
    const auto& b = s.at("equivalence_bounds");
    inside = lower >= b.at("lower").get<double>() && upper <= b.at("upper").get<double>();
  }
  const std::string span = " beside [" + std::to_string(lower) + ", " + std::to_string(upper) + "]";
  if (text.rfind(verdict, 0) != 0) return "verdict_text '" + text + "' is not '" + verdict + "'";
  if (verdict == "slower" || verdict == "higher") {
    return above ? "" : verdict + span;
  }
  if (verdict == "faster" || verdict == "lower") {
    return below ? "" : verdict + span;
  }
  if (above || below) return verdict + span + ": the interval excludes 1";
  if (verdict == "equivalent") return inside ? "" : "equivalent" + span;
  if (verdict == "inconclusive") {
    if (inside) return "inconclusive" + span + " inside the equivalence bounds";
    const bool needs = !s.at("needs_processes").is_null();
    if (needs != (text.find("needs >=") != std::string::npos)) {
      return "needs_processes and verdict_text '" + text + "' disagree";
    }
    return "";
  }
  return "unknown verdict '" + verdict + "'";
}

// The same invariant for a line of comparison.json's `criteria.lines`: met exactly when the CI
// lies wholly below the limit, missed exactly when wholly above, inconclusive when it contains
// the limit (and needs_processes agrees with the text), not_measured exactly when there is no
// estimate and no CI and the text says why.
inline std::string criterion_disagreement(const nlohmann::json& line) {
  const std::string verdict = line.at("verdict").get<std::string>();
  const std::string text = line.at("verdict_text").get<std::string>();
  const auto& ci = line.at("ci");
  if (verdict == "not_measured") {
    if (!ci.is_null() || !line.at("estimate").is_null()) return "not_measured with a value";
    return text.rfind("not measured: ", 0) == 0 && text.size() > 14
               ? ""
               : "not_measured without a reason: '" + text + "'";
  }
  if (ci.is_null() || line.at("estimate").is_null()) return verdict + " without an interval";
  if (text.rfind(verdict, 0) != 0) return "verdict_text '" + text + "' is not '" + verdict + "'";
  const double limit = line.at("limit").get<double>();
  const double lower = ci.at("lower").is_null() ? -1e308 : ci.at("lower").get<double>();
  const double upper = ci.at("upper").is_null() ? 1e308 : ci.at("upper").get<double>();
  const double estimate = line.at("estimate").get<double>();
  const std::string span = " beside [" + std::to_string(lower) + ", " + std::to_string(upper) +
                           "] and the limit " + std::to_string(limit);
  if (!(lower <= estimate && estimate <= upper)) return "the estimate lies outside its interval";
  if (verdict == "met") return upper < limit ? "" : "met" + span;
  if (verdict == "missed") return lower > limit ? "" : "missed" + span;
  if (verdict == "inconclusive") {
    if (upper < limit || lower > limit) return "inconclusive" + span;
    const bool needs = !line.at("needs_processes").is_null();
    if (needs != (text.find("needs >=") != std::string::npos)) {
      return "needs_processes and verdict_text '" + text + "' disagree";
    }
    return "";
  }
  return "unknown verdict '" + verdict + "'";
}

}  // namespace legion_test
