#pragma once
// AutoGen 0.7 (agentchat, core, ext), embedded: the scenarios in AutoGen's idiom live in the
// Python package legion_autogen/ next to this file.
#include <memory>

#include "adapter.hpp"

namespace legion::adapters {

std::unique_ptr<Adapter> make_autogen_adapter();

}  // namespace legion::adapters
