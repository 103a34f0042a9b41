#include "agent_framework_adapter.hpp"

#include "python_adapter.hpp"

namespace legion::adapters {

std::unique_ptr<Adapter> make_agent_framework_adapter() {
  return make_python_adapter({"agent_framework",
                              "legion_agent_framework",
                              LEGION_ADAPTERS_DIR "/agent_framework",
                              {"agent_framework"}});
}

}  // namespace legion::adapters
