#pragma once
// The work one stress task does: a LEGION agent with one tool (`add`) run against the
// deterministic SimulatedModel — the catalogue's simple_task — so every task makes two model
// calls (with the configured latency) and one tool call, and its answer can be checked.
// Payload and result are JSON text, as the durable store carries them.
#include <cstdint>
#include <memory>
#include <string>

namespace stress {

// The seq a payload or result belongs to, and whether a result is the right answer for it.
struct CheckedResult {
  std::uint64_t seq = 0;
  bool correct = false;
};

class AgentWork {
 public:
  // latency_spec as legion::LatencyModel::parse takes it ("fixed:2ms", "lognormal:5ms,0.5").
  AgentWork(const std::string& latency_spec, std::uint64_t seed);
  ~AgentWork();

  // The operands are a pure function of (seed, seq), so the checker needs no table.
  std::string payload(std::uint64_t seq) const;
  // Runs the agent; thread-safe (one agent and one model serve every worker thread).
  // Returns {"seq": N, "answer": "..."}; throws on a malformed payload or a model error.
  std::string run(const std::string& payload) const;
  // Whether `result` is the right answer for `seq`; a result that does not parse is wrong.
  CheckedResult check(const std::string& result) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Seq of a task key "PREFIX-SEQ"; nullopt-like false when the key has another form.
bool seq_from_key(const std::string& key, const std::string& prefix, std::uint64_t& seq);
std::string key_for(const std::string& prefix, std::uint64_t seq);

}  // namespace stress
