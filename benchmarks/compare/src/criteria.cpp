#include "compare/criteria.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace legion::compare {

namespace {

// The catalogue's multi-agent scenarios by pattern (benchmarks/scenarios/*.json; the test
// tests/compare/criteria_test.cpp fails when the catalogue and this table part). legion-compare
// reads only legion-bench's files, which do not name a benchmark's pattern.
constexpr std::pair<std::string_view, std::string_view> kMultiAgent[] = {
    {"multi_agent_workflow", "pipeline"}, {"hierarchical", "hierarchy"},
    {"team_coordination", "group_chat"},  {"multi_turn_conversation", "group_chat"},
    {"consensus", "consensus"},           {"concurrent_execution", "concurrent"},
};

}  // namespace

std::string_view multi_agent_pattern(std::string_view scenario) {
  const auto it = std::find_if(std::begin(kMultiAgent), std::end(kMultiAgent),
                               [&](const auto& entry) { return entry.first == scenario; });
  return it == std::end(kMultiAgent) ? std::string_view() : it->second;
}

std::string_view latency_regime_of(std::string_view model_latency) {
  if (model_latency.empty()) return "unknown";
  return model_latency == "none" ? "zero_latency" : "latency";
}

}  // namespace legion::compare
