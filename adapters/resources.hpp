#pragma once
// What every in-process adapter builds in prepare() from a scenario: the one simulated model
// (seed, latency) or, when the run goes over HTTP, LEGION's OpenAI model on the endpoint; the
// catalogue tools the scenario lists, and the seeded corpus in a DocumentStore when the scenario
// retrieves (shared by every instance of the process: corpus_store.hpp). Frameworks differ in
// what they build on top.
#include <memory>

#include "adapter.hpp"
#include "legion/memory.hpp"
#include "legion/simulated_model.hpp"
#include "legion/tool.hpp"

namespace legion::adapters {

struct ScenarioResources {
  std::unique_ptr<SimulatedModel> model;  // in-process runs; null over HTTP
  std::unique_ptr<Model> remote;          // over HTTP: an OpenAIModel on config.endpoint
  ToolRegistry tools;  // search_memory excluded: each framework wires retrieval its own way
  std::shared_ptr<const DocumentStore> memory;  // null without corpus_documents

  void build(const Scenario& scenario, const ScenarioInput& input, const RunConfig& config);
  void reset();
  // The model LEGION's own code (native and direct adapters) calls: remote when set.
  Model& active();
};

// The process's resident set: /proc/self/statm resident pages * page size; 0 if unknown.
std::uint64_t current_rss_bytes();

}  // namespace legion::adapters
