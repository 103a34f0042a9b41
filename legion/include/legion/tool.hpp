#pragma once
// Tools: a registry of named callables with a JSON-schema argument contract. Invalid
// arguments or a throwing tool become a ToolResult with is_error set, returned to the
// model as the tool message; they never crash a run.
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "legion/model.hpp"

namespace legion {

struct ToolResult {
  std::string content;  // what the model sees in the tool message
  bool is_error = false;
};

using ToolFunction = std::function<Json(const Json& arguments)>;
// A tool that waits for something outside (a service, another agent) without holding a thread.
// `arguments` lives until the task ends.
using AsyncToolFunction = std::function<Task<Json>(const Json& arguments)>;

// One of function / async_function is set; async_function wins when both are.
struct Tool {
  ToolSpec spec;
  ToolFunction function;
  AsyncToolFunction async_function = {};
};

class ToolRegistry {
 public:
  // Throws ConfigError on a duplicate name, an empty name or a schema that is not an object
  // schema.
  void add(Tool tool);
  void add(std::string name, std::string description, Json parameters, ToolFunction function);
  void add_async(std::string name, std::string description, Json parameters,
                 AsyncToolFunction function);
  const Tool* find(const std::string& name) const;  // nullptr when unknown
  std::vector<ToolSpec> specs() const;              // in insertion order
  std::vector<ToolSpec> specs(
      const std::vector<std::string>& names) const;  // throws ConfigError on an unknown name
  std::size_t size() const { return order_.size(); }

  // Validates the arguments against the tool's schema, then calls it. Never throws for
  // bad input: an unknown tool, invalid arguments or an exception from the tool come back
  // as an error result naming the problem.
  // An asynchronous tool is waited for on the calling thread (sync_wait).
  ToolResult invoke(const ToolCall& call) const;
  // The same contract without holding a thread while an asynchronous tool waits; a synchronous
  // tool runs inline. `call` must outlive the task.
  Task<ToolResult> invoke_async(const ToolCall& call) const;

 private:
  // The tool for a call whose name and arguments are valid; otherwise nullptr and `rejection`
  // says why.
  const Tool* checked(const ToolCall& call, ToolResult& rejection) const;
  // Call a checked tool; its failures become error results.
  static ToolResult run(const Tool& tool, const ToolCall& call);
  static Task<ToolResult> run_async(const Tool& tool, const ToolCall& call);

  std::vector<std::string> order_;
  std::unordered_map<std::string, Tool> tools_;
};

// The JSON-schema subset LEGION validates (documented, not a full validator): "type" of
// object/string/number/integer/boolean/array/null, "properties", "required",
// "additionalProperties": false, "enum", array "items". Returns an empty string when valid,
// else a one-line reason such as "argument 'a': expected number, got string".
std::string validate_arguments(const Json& schema, const Json& arguments);

}  // namespace legion
