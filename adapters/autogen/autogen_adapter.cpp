#include "autogen_adapter.hpp"

#include "python_adapter.hpp"

namespace legion::adapters {

std::unique_ptr<Adapter> make_autogen_adapter() {
  return make_python_adapter({"autogen",
                              "legion_autogen",
                              LEGION_ADAPTERS_DIR "/autogen",
                              {"autogen_core", "autogen_agentchat", "autogen_ext"}});
}

}  // namespace legion::adapters
