#pragma once

// Formatting shared by the summary, the full table, Markdown and JSON (private).

#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "compare/comparison.hpp"
#include "stats/table.hpp"

namespace legion::compare::report {

inline constexpr std::size_t kWidth = 100;  // of the summary's lines

// A line as it is when it fits in kWidth columns; else wrapped at word boundaries, its own
// indentation kept and continuation lines indented by `indent` more.
inline void wrap(std::ostream& out, const std::string& text, std::size_t indent = 2) {
  if (text.size() <= kWidth) {
    out << text << '\n';
    return;
  }
  const std::size_t lead = text.find_first_not_of(' ');
  const std::string margin(lead == std::string::npos ? 0 : lead, ' ');
  std::istringstream words(text);
  std::string word;
  std::string line = margin;
  while (words >> word) {
    if (line.size() > margin.size() && line.size() + 1 + word.size() > kWidth) {
      out << line << '\n';
      line = margin + std::string(indent, ' ');
    } else if (line.size() > margin.size() && line.back() != ' ') {
      line += ' ';
    }
    line += word;
  }
  out << line << '\n';
}

inline std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

// "4159 [2998, 1.005e+04]"
inline std::string ratio_ci(double ratio, const stats::Interval& ci) {
  return stats::text::number(ratio) + " " + stats::text::interval(ci);
}

// "99.89%"
inline std::string percent(double level) {
  return stats::text::number(level * 100.0) + "%";
}

// The verdict text of a compared row, else what happened to the row.
inline std::string row_verdict(const Row& r) {
  switch (r.status) {
    case Status::kCompared:
      return r.stats->verdict_text;
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

inline std::vector<std::string> regimes_in_order(const Comparison& c) {
  std::vector<std::string> regimes;
  for (const auto& r : c.rows) {
    bool seen = false;
    for (const auto& g : regimes) seen = seen || g == r.regime;
    if (!seen) regimes.push_back(r.regime);
  }
  return regimes;
}

// The per-row level of a framework's family (1 - alpha / (m looks)).
inline double family_level(const Comparison& c, const std::string& framework) {
  const auto it = c.family_rows.find(framework);
  return stats::family_level(it == c.family_rows.end() ? 1 : it->second, c.options.stats);
}

// The level of each geometric mean and A/A interval: 1 - alpha / looks.
inline double single_level(const Comparison& c) {
  return 1.0 - c.options.stats.alpha / static_cast<double>(c.options.stats.looks);
}

// "langchain.2.json (1.25x the median)"
inline std::string outlier_text(const AaOutlier& o) {
  return o.file + " (" + stats::text::number(o.ratio_to_median) + "x the median)";
}

// The rule the gate named outlying processes of `benchmark` by: "outlier: outside [0.95, 1.05]
// and the far fences [0.894, 1.146] of the median over 118 processes", or why it named none.
inline std::string aa_outlier_rule(const AaGate& g, const std::string& benchmark) {
  const std::string bounds =
      "[" + stats::text::number(g.lower) + ", " + stats::text::number(g.upper) + "]";
  for (const auto& s : g.spread) {
    if (s.benchmark != benchmark) continue;
    if (!s.fence_lower || !s.fence_upper) {
      return "outliers: none named with " + std::to_string(s.processes) +
             " processes (the fences need " + std::to_string(kAaMinProcessesForFences) + ")";
    }
    return "outlier: outside " + bounds + " and the far fences [" +
           stats::text::number(*s.fence_lower) + ", " + stats::text::number(*s.fence_upper) +
           "] of the median over " + std::to_string(s.processes) + " processes";
  }
  return "outlier: outside " + bounds + " of the median";
}

}  // namespace legion::compare::report
