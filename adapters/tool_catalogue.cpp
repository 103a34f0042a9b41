#include "tool_catalogue.hpp"

#include <cmath>

#include "legion/agent.hpp"
#include "legion/error.hpp"

namespace legion::adapters {
namespace {

const Json& binary_schema() {
  static const Json schema{
      {"type", "object"},
      {"properties", {{"a", {{"type", "number"}}}, {"b", {{"type", "number"}}}}},
      {"required", {"a", "b"}}};
  return schema;
}

// "5", not "5.0": scripts compare answers as text, and chained calls feed results back.
Json number(double value) {
  if (std::nearbyint(value) == value && std::fabs(value) < 9.0e15) {
    return static_cast<std::int64_t>(value);
  }
  return value;
}

}  // namespace

void add_catalogue_tools(ToolRegistry& registry, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (name == "add") {
      registry.add("add", "Add two numbers.", binary_schema(), [](const Json& args) {
        return number(args["a"].get<double>() + args["b"].get<double>());
      });
    } else if (name == "multiply") {
      registry.add("multiply", "Multiply two numbers.", binary_schema(), [](const Json& args) {
        return number(args["a"].get<double>() * args["b"].get<double>());
      });
    } else if (name != "search_memory") {
      throw ConfigError("tool catalogue: unknown tool '" + name + "'");
    }
  }
}

Tool search_memory_tool(const DocumentStore& store, std::size_t k) {
  return Tool{search_memory_spec(), [&store, k](const Json& args) -> Json {
                std::string content;
                for (const SearchHit& hit : store.search(args["query"].get<std::string>(), k)) {
                  if (!content.empty()) content += "\n";
                  content += "[" + std::string(hit.id) + "] " + store.document(hit.index).text;
                }
                return content.empty() ? "no documents found" : content;
              }};
}

}  // namespace legion::adapters
