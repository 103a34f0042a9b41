#include "stress/agent_work.hpp"

#include <charconv>

#include "legion/splitmix64.hpp"
#include "workflow_task.hpp"

namespace stress {
namespace {

using nlohmann::json;

struct Operands {
  std::int64_t a, b;
};

// Tasks cycle through this many operand pairs (a result is still checked against its own
// task's pair). The operands travel in the task's input, not in a script, so the simulated
// model's script cache holds one script per agent whatever the run's length.
constexpr std::uint64_t kOperandPairs = 256;

Operands operands(std::uint64_t seed, std::uint64_t seq) {
  legion::SplitMix64 rng(legion::mix64(seed) ^ (seq % kOperandPairs));
  const auto a = static_cast<std::int64_t>(rng.below(1000) + 1);
  const auto b = static_cast<std::int64_t>(rng.below(1000) + 1);
  return {a, b};
}

// An offset only agent k's memory holds.
std::int64_t offset(std::uint64_t seed, int agent) {
  legion::SplitMix64 rng(legion::mix64(seed ^ 0x5eed0ff5e7ULL) ^ static_cast<std::uint64_t>(agent));
  return static_cast<std::int64_t>(rng.below(9000) + 1000);
}

std::string agent_name(int agent) {
  return "agent-" + std::to_string(agent);
}

}  // namespace

AgentWork::AgentWork(const std::string& latency_spec, std::uint64_t seed, int agents,
                     std::uint64_t capacity)
    : latency_(latency_spec), seed_(seed), agents_(agents), agent_of_(capacity) {
  for (auto& a : agent_of_) a.store(-1, std::memory_order_relaxed);
  // Every agent's spec has the same shape: checking one checks them all, before any task.
  legion::cli::workflow_task_payload(spec(0), "Input: a=1 b=2");
}

json AgentWork::spec(int agent) const {
  const std::string name = agent_name(agent);
  const std::string script =
      "[[script]]\n"
      // The call's arguments are JSON: the regex's backslash is escaped once more there.
      "call search_memory {\"query\": \"offset\"} && call add {\"a\": \"{{find:a=(\\\\d+)}}\", "
      "\"b\": \"{{find:b=(\\\\d+)}}\"}\n"
      "answer " +
      name + ": sum {{result:2}}, offset {{find:offset is (\\d+)}}\n[[/script]]";
  return {{"name", "stress-" + name},
          {"model", {{"type", "simulated"}, {"seed", seed_}, {"latency", latency_}}},
          {"tools", {{{"name", "add"}, {"builtin", "add"}}}},
          {"agents",
           {{{"name", name},
             {"role", "one of the stress run's agents"},
             {"goal", "answer from your own memory"},
             {"tools", {"add"}},
             {"memory",
              {{{"id", name + "-offset"},
                {"text", name + "'s offset is " + std::to_string(offset(seed_, agent))}},
               {{"id", name + "-note"}, {"text", name + " runs stress tasks"}}}},
             {"instructions", script}}}},
          {"pattern", {{"type", "single"}, {"agent", name}, {"task", "{{input}}"}}}};
}

std::string AgentWork::expected_answer(std::uint64_t seq, int agent) const {
  const auto o = operands(seed_, seq);
  return agent_name(agent) + ": sum " + std::to_string(o.a + o.b) + ", offset " +
         std::to_string(offset(seed_, agent));
}

std::string AgentWork::payload(std::uint64_t seq, int agent) {
  if (seq < agent_of_.size()) agent_of_[seq].store(agent, std::memory_order_relaxed);
  const auto o = operands(seed_, seq);
  const std::string input = "Task " + std::to_string(seq) + ". Input: a=" + std::to_string(o.a) +
                            " b=" + std::to_string(o.b);
  return json{{"workflow", spec(agent)}, {"input", input}}.dump();
}

bool AgentWork::check(std::uint64_t seq, const std::string& result) const {
  if (seq >= agent_of_.size()) return false;
  const int agent = agent_of_[seq].load(std::memory_order_relaxed);
  if (agent < 0) return false;
  const json r = json::parse(result, nullptr, false);
  if (!r.is_object()) return false;
  auto answer = r.find("answer");
  return answer != r.end() && answer->is_string() &&
         answer->get<std::string>() == expected_answer(seq, agent);
}

bool seq_from_key(const std::string& key, const std::string& prefix, std::uint64_t& seq) {
  if (key.size() <= prefix.size() + 1 || key.compare(0, prefix.size(), prefix) != 0 ||
      key[prefix.size()] != '-') {
    return false;
  }
  const char* first = key.data() + prefix.size() + 1;
  const char* last = key.data() + key.size();
  auto [end, error] = std::from_chars(first, last, seq);
  return error == std::errc() && end == last;
}

std::string key_for(const std::string& prefix, std::uint64_t seq) {
  return prefix + "-" + std::to_string(seq);
}

}  // namespace stress
