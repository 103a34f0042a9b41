#pragma once
// The fixed catalogue of C++ tools the harness gives every framework, so a tool call costs
// the same work whoever makes it: add, multiply (integers stay integers in the result text)
// and search_memory over a DocumentStore (the runtime's memory: top-k BM25, one
// "[id] text" line per hit - the format the LEGION agent's built-in tool returns).
#include <string>
#include <string_view>
#include <vector>

#include "legion/memory.hpp"
#include "legion/tool.hpp"

namespace legion::adapters {

inline constexpr std::size_t kMemoryTopK = 3;

// Adds the named catalogue tools except search_memory (it needs a store: see below).
// Throws ConfigError on a name outside the catalogue.
void add_catalogue_tools(ToolRegistry& registry, const std::vector<std::string>& names);

// The search_memory tool over `store` (which must outlive the registry).
Tool search_memory_tool(const DocumentStore& store, std::size_t k = kMemoryTopK);

}  // namespace legion::adapters
