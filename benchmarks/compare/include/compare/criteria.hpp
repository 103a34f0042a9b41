#pragma once

// The project brief's two benchmarking criteria as verdict lines, each read off an interval
// printed beside it (docs/comparison.md, "The project brief's criteria"):
//  - "coordination overhead < 15%", per multi-agent scenario and framework, in the latency
//    regime: the overhead's interval (latency.hpp) wholly below 15% is met, wholly above is
//    missed, otherwise inconclusive;
//  - "LEGION within 20% of LangChain" (equivalence or better), per hot and concurrency
//    benchmark both ran, in the comparison's latency regime: R = LEGION's wall / LangChain's;
//    R's interval wholly below 1.2 is met (LEGION at most 20% slower, or faster), wholly above
//    1.2 is missed, otherwise inconclusive.
// A line whose data are absent says "not measured: <why>" instead of a value.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stats/interval.hpp"

namespace legion::compare {

inline constexpr const char* kOverheadCriterion = "coordination_overhead_below_15pct";
inline constexpr const char* kWithinCriterion = "legion_within_20pct_of_langchain";
inline constexpr double kOverheadLimit = 0.15;  // a fraction of the critical-path model time
inline constexpr double kWithinLimit = 1.2;     // LEGION / LangChain wall ratio

struct CriterionLine {
  std::string criterion;       // kOverheadCriterion or kWithinCriterion
  std::string latency_regime;  // "latency", "zero_latency" or "unknown" (latency_regime_of)
  std::string benchmark;
  std::string scenario;
  std::string point;
  std::string regime;
  std::string pattern;    // overhead lines: the scenario's multi-agent pattern
  std::string framework;  // the framework judged (within: "legion")
  std::string reference;  // overhead: "critical_path_model_ns"; within: "langchain"
  double limit = 0.0;     // kOverheadLimit or kWithinLimit
  std::string verdict;    // "met", "missed", "inconclusive", "not_measured"
  // "met", "missed", "inconclusive: needs >= 7 processes", "not measured: <why>"
  std::string verdict_text;
  std::optional<double> estimate;              // the overhead fraction, or R
  std::optional<stats::Interval> interval;     // the verdict's interval (of the estimate)
  std::optional<std::size_t> needs_processes;  // inconclusive: per side, at this estimate
  std::vector<std::string> flags;              // the row's findings (different work, ...)
};

// A criterion (in a latency regime) this comparison does not judge, and why.
struct NotJudged {
  std::string criterion;
  std::string latency_regime;
  std::string reason;
};

struct Criteria {
  std::string latency_regime;  // of the comparison's files
  std::string model_latency;   // their context.model_latency ("" when absent)
  std::vector<CriterionLine> lines;
  std::vector<NotJudged> not_judged;
};

// The multi-agent pattern of a catalogue scenario (benchmarks/scenarios/*.json: pipeline,
// hierarchy, group_chat, consensus, fan_out, concurrent); "" for a single-agent scenario
// (single, iterative, human) or one the table does not know. A test keeps the table in step
// with the catalogue.
std::string_view multi_agent_pattern(std::string_view scenario);

// "zero_latency" for context.model_latency "none", "unknown" when absent (""), else "latency".
std::string_view latency_regime_of(std::string_view model_latency);

}  // namespace legion::compare
