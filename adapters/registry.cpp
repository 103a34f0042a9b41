#include "registry.hpp"

#include <stdexcept>

#include "agent_framework/agent_framework_adapter.hpp"
#include "autogen/autogen_adapter.hpp"
#include "crewai/crewai_adapter.hpp"
#include "direct/direct_adapter.hpp"
#include "langchain/langchain_adapter.hpp"
#include "legion/legion_adapter.hpp"
#include "openai_agents/openai_agents_adapter.hpp"

namespace legion::adapters {
namespace {

struct Entry {
  const char* name;
  std::unique_ptr<Adapter> (*make)();
};
constexpr Entry kAdapters[] = {{"agent_framework", make_agent_framework_adapter},
                               {"autogen", make_autogen_adapter},
                               {"crewai", make_crewai_adapter},
                               {"direct", make_direct_adapter},
                               {"langchain", make_langchain_adapter},
                               {"legion", make_legion_adapter},
                               {"openai_agents", make_openai_agents_adapter}};

}  // namespace

std::vector<std::string> adapter_names() {
  std::vector<std::string> names;
  for (const Entry& e : kAdapters) names.emplace_back(e.name);
  return names;
}

std::unique_ptr<Adapter> make_adapter(const std::string& name) {
  std::string known;
  for (const Entry& e : kAdapters) {
    if (name == e.name) return e.make();
    known += known.empty() ? e.name : std::string(", ") + e.name;
  }
  throw std::invalid_argument("unknown framework '" + name + "' (known: " + known + ")");
}

}  // namespace legion::adapters
