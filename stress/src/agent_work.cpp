#include "stress/agent_work.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "legion/agent.hpp"
#include "legion/simulated_model.hpp"
#include "legion/splitmix64.hpp"
#include "legion/tool.hpp"

namespace stress {
namespace {

using nlohmann::json;

struct Operands {
  std::int64_t a, b;
};

// Tasks cycle through this many operand pairs. The pair is written into the task's script,
// and the simulated model keeps every distinct script it parsed (up to 4,096, then it starts
// over): with a pair per task, that cache alone grew RSS by ~1 KB per task for the first 4,096
// tasks, which an endurance run read as a leak of the system under test. 256 scripts fill the
// cache within any warm-up; a result is still checked against its own task's pair.
constexpr std::uint64_t kOperandPairs = 256;

Operands operands(std::uint64_t seed, std::uint64_t seq) {
  legion::SplitMix64 rng(legion::mix64(seed) ^ (seq % kOperandPairs));
  const auto a = static_cast<std::int64_t>(rng.below(1000) + 1);
  const auto b = static_cast<std::int64_t>(rng.below(1000) + 1);
  return {a, b};
}

std::string expected_answer(const Operands& o) {
  return "The sum is " + std::to_string(o.a + o.b);
}

}  // namespace

struct AgentWork::Impl {
  std::uint64_t seed;
  legion::SimulatedModel model;
  legion::ToolRegistry tools;
  std::unique_ptr<legion::Agent> agent;

  Impl(const std::string& latency, std::uint64_t s)
      : seed(s), model({s, legion::LatencyModel::parse(latency)}) {
    json schema = {{"type", "object"},
                   {"properties", {{"a", {{"type", "number"}}}, {"b", {{"type", "number"}}}}},
                   {"required", {"a", "b"}}};
    tools.add("add", "Add two numbers.", schema, [](const json& args) {
      return json(args["a"].get<std::int64_t>() + args["b"].get<std::int64_t>());
    });
    agent = std::make_unique<legion::Agent>(
        legion::AgentConfig{"analyst", "a careful analyst", "answer exactly", "", {"add"}}, &tools);
  }
};

AgentWork::AgentWork(const std::string& latency_spec, std::uint64_t seed)
    : impl_(std::make_unique<Impl>(latency_spec, seed)) {}

AgentWork::~AgentWork() = default;

std::string AgentWork::payload(std::uint64_t seq) const {
  const auto o = operands(impl_->seed, seq);
  return json{{"seq", seq}, {"a", o.a}, {"b", o.b}}.dump();
}

std::string AgentWork::run(const std::string& payload) const {
  const json p = json::parse(payload);
  const auto a = p.at("a").get<std::int64_t>();
  const auto b = p.at("b").get<std::int64_t>();
  const std::string args = json{{"a", a}, {"b", b}}.dump();
  std::string task = "Add " + std::to_string(a) + " and " + std::to_string(b) +
                     ".\n[[script]]\ncall add " + args +
                     "\nanswer The sum is {{result}}\n[[/script]]";
  auto result = impl_->agent->run(impl_->model, std::move(task));
  return json{{"seq", p.at("seq")}, {"answer", result.answer}}.dump();
}

CheckedResult AgentWork::check(const std::string& result) const {
  CheckedResult out;
  const json r = json::parse(result, nullptr, false);
  if (!r.is_object() || !r.contains("seq") || !r["seq"].is_number_unsigned()) return out;
  out.seq = r["seq"].get<std::uint64_t>();
  auto answer = r.find("answer");
  out.correct = answer != r.end() && answer->is_string() &&
                answer->get<std::string>() == expected_answer(operands(impl_->seed, out.seq));
  return out;
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
