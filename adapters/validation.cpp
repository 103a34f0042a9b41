#include "validation.hpp"

#include "legion/message.hpp"

namespace legion::adapters {
namespace {

std::string shorten(const std::string& text) {
  return text.size() <= 120 ? text : text.substr(0, 117) + "...";
}

}  // namespace

std::string check_outcome(const Outcome& outcome, const ScenarioInput& input) {
  if (outcome.answer != input.expected) {
    return "wrong answer: '" + shorten(outcome.answer) + "', expected '" + shorten(input.expected) +
           "'";
  }
  if (outcome.model_calls < input.min_model_calls) {
    return "too few model calls: " + std::to_string(outcome.model_calls) + " < " +
           std::to_string(input.min_model_calls);
  }
  return "";
}

std::string check_structure(const Outcome& outcome, const ScenarioInput& input) {
  if (outcome.model_calls == 0) return "no model call was made";
  if (outcome.answer.find_first_not_of(" \t\r\n") == std::string::npos) {
    return "no answer came back";
  }
  bool needs_tool = false;
  for (const AgentSpec& agent : input.agents) needs_tool |= !agent.tools.empty();
  if (needs_tool && outcome.tool_calls == 0) return "no tool was called (the scenario needs one)";
  return "";
}

std::string check_repeat(const Outcome& outcome, const Outcome& reference) {
  if (outcome.output_hash != reference.output_hash) {
    return "output hash changed between runs: " + hex64(outcome.output_hash) +
           " != " + hex64(reference.output_hash);
  }
  if (outcome.model_calls != reference.model_calls) {
    return "model calls changed between runs: " + std::to_string(outcome.model_calls) +
           " != " + std::to_string(reference.model_calls);
  }
  if (outcome.answer != reference.answer) return "answer changed between runs";
  return "";
}

}  // namespace legion::adapters
