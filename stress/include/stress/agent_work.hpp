#pragma once
// The work one stress task does: a workflow task (legion/cli/workflow_task.hpp), run by the
// handler `legion worker` runs, in worker threads of this process or in `legion worker`
// processes alike. The scenario's `agents: N` are N agents of their own: agent k has its own
// name ("agent-k"), its own retrieval memory (a document holding its offset, which no other
// agent has) and its own conversation on every run, on the deterministic SimulatedModel. A
// task of agent k looks the offset up in its memory and adds the task's two operands (one
// model reply with two tool calls in parallel), then answers "agent-k: sum S, offset O" (a
// second reply): two model calls with the configured latency, two tool calls, and an answer
// that is right only when the task ran as its own agent, with its own memory, on its own
// operands. Payload and result are JSON text, as the durable store carries them.
#include <atomic>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace stress {

class AgentWork {
 public:
  // latency_spec as legion::LatencyModel::parse takes it ("fixed:2ms", "lognormal:5ms,0.5");
  // capacity: the highest seq + 1 (the tracker's).
  AgentWork(const std::string& latency_spec, std::uint64_t seed, int agents,
            std::uint64_t capacity);

  // The task payload for `seq` run by agent `agent` (remembered for check()); the operands are
  // a pure function of (seed, seq).
  std::string payload(std::uint64_t seq, int agent);
  // Whether `result` (the workflow's result JSON) is the right answer for `seq`.
  bool check(std::uint64_t seq, const std::string& result) const;

  // Agent k's workflow spec (exposed for tests).
  nlohmann::json spec(int agent) const;
  std::string expected_answer(std::uint64_t seq, int agent) const;

 private:
  std::string latency_;
  std::uint64_t seed_;
  int agents_;
  std::vector<std::atomic<std::int32_t>> agent_of_;  // -1: never submitted
};

// Seq of a task key "PREFIX-SEQ"; false when the key has another form.
bool seq_from_key(const std::string& key, const std::string& prefix, std::uint64_t& seq);
std::string key_for(const std::string& prefix, std::uint64_t seq);

}  // namespace stress
