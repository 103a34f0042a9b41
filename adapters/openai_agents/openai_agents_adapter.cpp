#include "openai_agents_adapter.hpp"

#include <cstdlib>

#include "python_adapter.hpp"

namespace legion::adapters {

std::unique_ptr<Adapter> make_openai_agents_adapter() {
  const char* env = std::getenv("LEGION_VENV_OPENAI_AGENTS");
  std::filesystem::path venv =
      env != nullptr && *env != '\0'
          ? std::filesystem::path(env)
          : std::filesystem::path(LEGION_SOURCE_DIR) / ".venv-openai-agents";
  return make_python_adapter(
      {"openai_agents", "legion_openai_agents", LEGION_ADAPTERS_DIR "/openai_agents", {"agents"}},
      std::move(venv));
}

}  // namespace legion::adapters
