#include "crewai_adapter.hpp"

#include "python_adapter.hpp"

namespace legion::adapters {

// No framework modules imported ahead of the package: legion_crewai points CrewAI's storage at
// a temporary directory before it imports crewai (crewai creates that directory at import).
// The package's import time is crewai's plus a few milliseconds of its own, all in import_ns.
std::unique_ptr<Adapter> make_crewai_adapter() {
  return make_python_adapter({"crewai", "legion_crewai", LEGION_ADAPTERS_DIR "/crewai", {}});
}

}  // namespace legion::adapters
