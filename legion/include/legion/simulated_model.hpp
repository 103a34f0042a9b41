#pragma once
// SimulatedModel: a deterministic stand-in for an LLM. It follows a script embedded in the
// conversation (grammar in docs/simulated-model.md) and decides its next reply from the
// message history alone - a pure function of the history - so every framework, whatever
// its prompt template, gets the same replies for the same conversation.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "legion/latency.hpp"
#include "legion/model.hpp"

namespace legion {

struct SimulatedModelOptions {
  std::uint64_t seed = 42;
  LatencyModel latency;  // none by default
};

// Totals over the model's life; read while calls run (relaxed atomics, monotone).
struct ModelCounters {
  std::uint64_t calls = 0;
  std::uint64_t prompt_tokens = 0;
  std::uint64_t completion_tokens = 0;
  std::chrono::nanoseconds model_time{0};
};

class SimulatedModel final : public Model {
 public:
  explicit SimulatedModel(SimulatedModelOptions options = {});
  ~SimulatedModel() override;

  // Throws ScriptError for a conversation without a script, a malformed script (the message
  // names the line), or a script with no step left for this turn.
  ModelResponse complete(const ModelRequest& request) override;
  // The latency is served by a timer (timer.hpp): the coroutine suspends and no thread waits.
  // model_time is the reply's own work plus the drawn latency (as complete_deferred reports
  // it), so the scheduler's delay in resuming the caller is not booked as model time.
  Task<ModelResponse> complete_async(const ModelRequest& request) override;
  std::string name() const override { return "simulated"; }

  // The same reply without sleeping, for callers that wait on an event loop the way an HTTP
  // client awaits its response (Python's asyncio, through the bridge): `wait` is the latency
  // complete() would have slept. model_time and the counters include it, as if slept.
  struct Deferred {
    ModelResponse response;
    std::chrono::nanoseconds wait{0};
  };
  Deferred complete_deferred(const ModelRequest& request);

  // The latency complete() sleeps for on this request and reply size: a pure function of the
  // seed, the request's script and step (where it stands in the scripted work, not its
  // wording: every framework doing the same work draws the same) and the completion tokens,
  // exposed so tests and reports can see the draw without timing a sleep. Throws ScriptError
  // for a lognormal model and a request without a script.
  std::chrono::nanoseconds latency_for(const ModelRequest& request,
                                       std::uint64_t completion_tokens) const;

  ModelCounters counters() const;
  void reset_counters();
  const SimulatedModelOptions& options() const { return options_; }

 private:
  struct Impl;
  Deferred reply(const ModelRequest& request) const;
  void count(const ModelResponse& response);
  SimulatedModelOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace legion
