#include "resources.hpp"

#include <unistd.h>

#include <fstream>

#include "corpus_store.hpp"
#include "tool_catalogue.hpp"

namespace legion::harness {

void ScenarioResources::build(const Scenario& scenario, const ScenarioInput& input,
                              const RunConfig& config) {
  reset();
  model = std::make_unique<SimulatedModel>(SimulatedModelOptions{config.seed, config.latency});
  add_catalogue_tools(tools, scenario.tools);
  if (input.corpus_documents > 0) {
    memory = shared_corpus_store(input.corpus_documents, config.seed);
  }
}

void ScenarioResources::reset() {
  memory.reset();
  tools = ToolRegistry();
  model.reset();
}

std::uint64_t current_rss_bytes() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace legion::harness
