#include "resources.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "corpus_store.hpp"
#include "legion/error.hpp"
#include "legion/openai_model.hpp"
#include "tool_catalogue.hpp"

namespace legion::adapters {

void ScenarioResources::build(const Scenario& scenario, const ScenarioInput& input,
                              const RunConfig& config) {
  reset();
  if (config.endpoint.in_process()) {
    model = std::make_unique<SimulatedModel>(SimulatedModelOptions{config.seed, config.latency});
  } else {
    OpenAIModelOptions options;
    options.base_url = config.endpoint.base_url;
    options.model = config.endpoint.model;
    options.api_key_env = config.endpoint.api_key_env;
    options.timeout = config.endpoint.timeout;
    options.max_retries = config.endpoint.max_retries;
    options.max_tokens = config.endpoint.max_tokens;
    remote = std::make_unique<OpenAIModel>(std::move(options));
  }
  std::vector<std::string> catalogue;
  for (const std::string& name : scenario.tools) {
    const bool extra = std::any_of(config.extra_tools.begin(), config.extra_tools.end(),
                                   [&](const Tool& t) { return t.spec.name == name; });
    if (!extra) catalogue.push_back(name);
  }
  add_catalogue_tools(tools, catalogue);
  for (const Tool& tool : config.extra_tools) tools.add(tool);
  if (input.corpus_documents > 0) {
    memory = shared_corpus_store(input.corpus_documents, config.seed);
  }
}

void ScenarioResources::reset() {
  memory.reset();
  tools = ToolRegistry();
  model.reset();
  remote.reset();
}

Model& ScenarioResources::active() {
  if (remote) return *remote;
  if (!model) throw Error("no model: prepare() first");
  return *model;
}

std::uint64_t current_rss_bytes() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace legion::adapters
