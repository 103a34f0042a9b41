#pragma once
// The OpenAI Agents SDK (openai-agents 0.24), embedded: the scenarios in the SDK's idiom live
// in the Python package legion_openai_agents/ next to this file. It runs in its own
// virtualenv, .venv-openai-agents (requirements-openai-agents.txt): the SDK needs openai >= 3,
// which CrewAI's pins in requirements.txt exclude. $LEGION_VENV_OPENAI_AGENTS overrides it.
#include <memory>

#include "adapter.hpp"

namespace legion::adapters {

std::unique_ptr<Adapter> make_openai_agents_adapter();

}  // namespace legion::adapters
