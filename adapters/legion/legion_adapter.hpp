#pragma once
// The native adapter: each scenario pattern maps onto the runtime's own pattern
// (legion/patterns.hpp), agents are legion::Agent, retrieval is the agent's built-in memory,
// parallel work goes to one legion::Executor built in prepare().
#include <memory>
#include <vector>

#include "adapter.hpp"

namespace legion::adapters {

std::unique_ptr<Adapter> make_legion_adapter();

}  // namespace legion::adapters
