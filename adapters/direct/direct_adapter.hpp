#pragma once
// The floor: the simulated model called in a plain loop, no framework. One conversation
// (or, for a pipeline, one after the other with the answer carried along), tools called
// straight from the catalogue's functions, nothing else - the least any framework could do.
// Other multi-agent patterns and concurrent runs are unsupported, with the reason:
// coordinating agents or runs is the framework work being measured, so there is no
// framework-free floor to compare with.
#include <memory>

#include "adapter.hpp"

namespace legion::adapters {

std::unique_ptr<Adapter> make_direct_adapter();

}  // namespace legion::adapters
