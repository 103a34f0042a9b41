#pragma once
// The model time a scenario run cannot avoid: the simulated model's latency draws along the
// run's longest chain of calls that must happen one after another (critical path), and along all
// its calls (sum). The draws are nominal - what the model was configured to wait, recomputed from
// the transcripts with SimulatedModel::latency_for - not measured, so they are the same for every
// framework that did the same work, and wall time minus the critical path is what orchestration
// cost on top of the waiting (the coordination overhead legion-compare reports).
//
// Which runs wait in sequence follows the scenario's pattern, with the transcripts in LEGION's
// canonical order (docs/python-bridge.md): concurrent runs, consensus voters and fan-out
// branches wait side by side (the longest one counts; the catalogue's fan-out has no
// aggregator); every other pattern's runs (pipeline stages, a manager and the workers it waits
// for, group-chat turns, iterations) wait one after another (the sum counts). Within a run the
// calls are sequential: each waits for the previous reply.
#include <chrono>
#include <span>
#include <vector>

#include "legion/message.hpp"
#include "legion/simulated_model.hpp"
#include "scenario.hpp"

namespace legion::adapters {

struct ModelLatency {
  std::chrono::nanoseconds critical_path{0};
  std::chrono::nanoseconds sum{0};
};

// Throws ScriptError for a random latency model and a transcript whose requests carry no
// script (a model call the simulated model could not have answered).
ModelLatency model_latency(Pattern pattern, std::span<const std::vector<ChatMessage>> transcripts,
                           const SimulatedModel& model);

}  // namespace legion::adapters
