#pragma once
// CrewAI 1.15, embedded: the scenarios in CrewAI's idiom (Agent/Task/Crew, Process.hierarchical,
// Flow) live in the Python package legion_crewai/ next to this file.
#include <memory>

#include "adapter.hpp"

namespace legion::adapters {

std::unique_ptr<Adapter> make_crewai_adapter();

}  // namespace legion::adapters
