#pragma once
// The adapter interface: what every framework implements so the harness can run identical
// scenarios against it. Lifecycle: prepare (construction: agents, tools, memory, executor;
// timed on its own) -> run, any number of times (one scenario run each; must be repeatable
// with identical outcomes) -> teardown. One adapter object serves one prepared scenario at a
// time; run() is called from one thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "legion/latency.hpp"
#include "legion/message.hpp"
#include "legion/tool.hpp"
#include "scenario.hpp"

namespace legion::adapters {

// Where the model lives: in-process (base_url empty: the one SimulatedModel, called directly)
// or an OpenAI-compatible endpoint each framework reaches through its own client. The harness
// chooses (legion-bench --transport, --endpoint); adapters only build their client from it.
struct Endpoint {
  std::string base_url;  // "http://127.0.0.1:PORT", without /v1; empty: in-process
  std::string model;     // the model name sent in every request
  std::string
      api_key_env;  // the variable holding the key; empty: none (the key is never copied here)
  std::chrono::milliseconds timeout{60000};
  int max_retries = 2;
  // A context window for clients that plan by one (CrewAI); 0: the client's own default.
  std::uint64_t context_window = 0;
  // The longest reply each client asks for, through its own standard parameter (OpenAI's
  // `max_tokens`); 0: none sent. A real model may otherwise generate to its context's end.
  std::uint32_t max_tokens = 0;
  bool in_process() const { return base_url.empty(); }
};

struct RunConfig {
  std::uint64_t seed = 42;
  LatencyModel latency;  // of the simulated model
  Bindings parameters;   // the binding being benchmarked
  Endpoint endpoint;     // in-process unless the harness says otherwise
  // Tools beyond the harness catalogue, offered under their own names (a scenario built in
  // code lists them in Scenario::tools and its agents' tools). Every adapter registers them
  // next to the catalogue's, so each framework calls the same functions. A workload that
  // is not a catalogue scenario uses them: legion-industry's store-writing tools, AgentDojo's
  // suite tools. Each prepare() copies them; the functions must outlive the prepared runs.
  std::vector<Tool> extra_tools;
};

struct Outcome {
  std::string answer;
  std::uint64_t model_calls = 0;
  std::uint64_t tool_calls = 0;
  // As the runtime's TokenUsage (the OpenAI names, also the benchmark JSON's counters),
  // summed over the run's model calls.
  std::uint64_t prompt_tokens = 0;
  std::uint64_t completion_tokens = 0;
  std::chrono::nanoseconds model_time{0};
  // Over the work, not the framework's prompts: see work_hash.hpp.
  std::uint64_t output_hash = 0;
  // Scenario-specific figures of one run (e.g. turns, messages, code_exec_ns), published as
  // per-iteration counters under these names; empty for most adapters and scenarios.
  std::map<std::string, double> metrics;
  // The agent runs' transcripts in LEGION's canonical order (moved, not copied: the harness
  // reads them once per case for the critical-path model time, critical_path.hpp); empty for
  // an adapter without agent runs (direct).
  std::vector<std::vector<ChatMessage>> transcripts = {};
};

// What bringing the framework up cost, once per process.
struct StartReport {
  std::chrono::nanoseconds interpreter{0};  // starting an embedded interpreter (Python)
  std::chrono::nanoseconds import{0};       // importing the framework and its adapter
  std::size_t rss_before = 0;               // bytes, before and after both
  std::size_t rss_after = 0;
  std::chrono::nanoseconds total() const { return interpreter + import; }
};

struct Support {
  bool supported = true;
  std::string reason;  // why not, when unsupported
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual std::string name() const = 0;
  virtual std::string version() const = 0;
  // Idempotent. Throws ConfigError when the framework is not installed (the message says how
  // to install it). Native adapters have nothing to start.
  virtual StartReport start() { return {}; }
  virtual Support support(const Scenario& scenario) const = 0;
  // Whether the framework can reach a model over HTTP through its own OpenAI client
  // (legion-bench --transport=http asks it of every scenario, docs/harness.md "Transports").
  virtual Support http_support() const { return {}; }
  // Throws (legion::Error, ScenarioError, std::exception) when the scenario cannot be built.
  virtual void prepare(const Scenario& scenario, const RunConfig& config) = 0;
  // Throws when the run fails (a script error, a missing tool result, max steps).
  virtual Outcome run(const ScenarioInput& input) = 0;
  virtual void teardown() = 0;
  // Bytes in live allocations, where this framework's objects live: malloc's in-use bytes
  // (C, C++ and Rust code), plus, for a Python framework, pymalloc's after a full collection.
  // Read around building instances it gives the memory they hold, however the allocators
  // reuse freed pages (which an RSS delta cannot tell).
  virtual std::uint64_t heap_in_use_bytes() const;

  // Support for each scenario of a catalog, by id.
  std::map<std::string, Support> capabilities(const std::vector<Scenario>& catalog) const {
    std::map<std::string, Support> out;
    for (const Scenario& scenario : catalog) out[scenario.id] = support(scenario);
    return out;
  }
};

}  // namespace legion::adapters
