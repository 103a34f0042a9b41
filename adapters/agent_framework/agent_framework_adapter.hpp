#pragma once
// Microsoft Agent Framework (agent-framework-core), embedded: the scenarios in its idiom live
// in the Python package legion_agent_framework/ next to this file.
#include <memory>

#include "adapter.hpp"

namespace legion::adapters {

std::unique_ptr<Adapter> make_agent_framework_adapter();

}  // namespace legion::adapters
