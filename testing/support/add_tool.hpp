#pragma once

// The `add` tool the runtime tests give their agents: {"a": number, "b": number} -> "a+b" as text.

#include "legion/tool.hpp"

namespace legion_test {

inline void add_add_tool(legion::ToolRegistry& tools) {
  using legion::Json;
  tools.add("add", "Add two numbers.",
            Json{{"type", "object"},
                 {"properties", {{"a", {{"type", "number"}}}, {"b", {{"type", "number"}}}}},
                 {"required", {"a", "b"}}},
            [](const Json& args) -> Json {
              return std::to_string(args["a"].get<int>() + args["b"].get<int>());
            });
}

}  // namespace legion_test
