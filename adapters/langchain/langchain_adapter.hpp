#pragma once
// LangChain / LangGraph 1.x, embedded: the scenarios in LangChain's idiom live in the Python
// package legion_langchain/ next to this file.
#include <memory>

#include "adapter.hpp"

namespace legion::adapters {

std::unique_ptr<Adapter> make_langchain_adapter();

}  // namespace legion::adapters
