#pragma once
// Frameworks by name: legion-bench --framework=NAME picks one.
#include <memory>
#include <string>
#include <vector>

#include "adapter.hpp"

namespace legion::adapters {

std::vector<std::string> adapter_names();  // sorted
// Throws std::invalid_argument naming the known ones, sorted:
// "unknown framework 'x' (known: agent_framework, autogen, crewai, direct, ...)".
std::unique_ptr<Adapter> make_adapter(const std::string& name);

}  // namespace legion::adapters
