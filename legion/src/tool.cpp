#include "legion/tool.hpp"

#include <algorithm>
#include <cmath>

#include "legion/error.hpp"
#include "legion/sync_wait.hpp"

namespace legion {
namespace {

// Never throws, even on invalid UTF-8: a tool's odd output must still reach the model.
std::string safe_dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool has_type(const Json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "string") return value.is_string();
  if (type == "number") return value.is_number();
  // JSON Schema counts 2.0 as an integer; a model that writes 2.0 for 2 is not wrong.
  if (type == "integer") {
    return value.is_number_integer() ||
           (value.is_number_float() && std::isfinite(value.get<double>()) &&
            std::trunc(value.get<double>()) == value.get<double>());
  }
  if (type == "boolean") return value.is_boolean();
  if (type == "array") return value.is_array();
  if (type == "null") return value.is_null();
  return false;
}

std::string describe(const std::string& path) {
  return path.empty() ? "arguments" : "argument '" + path + "'";
}

// Checks `value` against the documented subset; `path` names it in the reason.
std::string validate(const Json& schema, const Json& value, const std::string& path) {
  if (!schema.is_object()) return {};
  if (const auto type = schema.find("type"); type != schema.end()) {
    bool ok = false;
    std::string expected;
    if (type->is_string()) {
      ok = has_type(value, type->get<std::string>());
      expected = type->get<std::string>();
    } else if (type->is_array()) {
      for (const Json& option : *type) {
        if (!option.is_string()) continue;
        ok = ok || has_type(value, option.get<std::string>());
        expected += (expected.empty() ? "" : " or ") + option.get<std::string>();
      }
    }
    if (!ok && !expected.empty()) {
      return describe(path) + ": expected " + expected + ", got " + value.type_name();
    }
  }
  if (const auto options = schema.find("enum"); options != schema.end() && options->is_array()) {
    if (std::find(options->begin(), options->end(), value) == options->end()) {
      return describe(path) + ": " + safe_dump(value) + " is not one of " + safe_dump(*options);
    }
  }
  const std::string prefix = path.empty() ? "" : path + ".";
  if (value.is_object()) {
    const auto properties = schema.find("properties");
    const bool has_properties = properties != schema.end() && properties->is_object();
    if (const auto required = schema.find("required");
        required != schema.end() && required->is_array()) {
      for (const Json& name : *required) {
        if (name.is_string() && !value.contains(name.get<std::string>())) {
          return "missing required argument '" + prefix + name.get<std::string>() + "'";
        }
      }
    }
    const auto additional = schema.find("additionalProperties");
    const bool closed = additional != schema.end() && additional->is_boolean() && !*additional;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (has_properties) {
        if (const auto property = properties->find(it.key()); property != properties->end()) {
          std::string reason = validate(*property, it.value(), prefix + it.key());
          if (!reason.empty()) return reason;
          continue;
        }
      }
      if (closed) {
        return "unexpected argument '" + prefix + it.key() + "'";
      }
    }
  }
  if (value.is_array()) {
    if (const auto items = schema.find("items"); items != schema.end()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        std::string reason = validate(*items, value[i], path + "[" + std::to_string(i) + "]");
        if (!reason.empty()) return reason;
      }
    }
  }
  return {};
}

}  // namespace

std::string validate_arguments(const Json& schema, const Json& arguments) {
  return validate(schema, arguments, "");
}

void ToolRegistry::add(Tool tool) {
  const std::string& name = tool.spec.name;
  if (name.empty()) throw ConfigError("a tool needs a name");
  if (tools_.contains(name)) throw ConfigError("duplicate tool '" + name + "'");
  if (!tool.function && !tool.async_function) {
    throw ConfigError("tool '" + name + "' has no function");
  }
  const Json& schema = tool.spec.parameters;
  // Models send an arguments object, so the schema must describe one ({} means "anything").
  if (!schema.is_object() || (schema.contains("type") && schema["type"] != "object")) {
    throw ConfigError("tool '" + name + "': parameters must be an object schema, got " +
                      safe_dump(schema));
  }
  order_.push_back(name);
  tools_.emplace(name, std::move(tool));
}

void ToolRegistry::add(std::string name, std::string description, Json parameters,
                       ToolFunction function) {
  add(Tool{ToolSpec{std::move(name), std::move(description), std::move(parameters)},
           std::move(function),
           {}});
}

void ToolRegistry::add_async(std::string name, std::string description, Json parameters,
                             AsyncToolFunction function) {
  add(Tool{ToolSpec{std::move(name), std::move(description), std::move(parameters)},
           {},
           std::move(function)});
}

const Tool* ToolRegistry::find(const std::string& name) const {
  const auto it = tools_.find(name);
  return it == tools_.end() ? nullptr : &it->second;
}

std::vector<ToolSpec> ToolRegistry::specs() const {
  std::vector<ToolSpec> out;
  out.reserve(order_.size());
  for (const std::string& name : order_) out.push_back(tools_.at(name).spec);
  return out;
}

std::vector<ToolSpec> ToolRegistry::specs(const std::vector<std::string>& names) const {
  std::vector<ToolSpec> out;
  out.reserve(names.size());
  for (const std::string& name : names) {
    const Tool* tool = find(name);
    if (tool == nullptr) throw ConfigError("unknown tool '" + name + "'");
    out.push_back(tool->spec);
  }
  return out;
}

namespace {

ToolResult success(const Json& result) {
  if (result.is_string()) return {result.get<std::string>(), false};
  return {safe_dump(result), false};
}

ToolResult failure(const std::string& name, std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    return {"error: tool '" + name + "' failed: " + e.what(), true};
  } catch (...) {
    return {"error: tool '" + name + "' failed: unknown exception", true};
  }
}

}  // namespace

const Tool* ToolRegistry::checked(const ToolCall& call, ToolResult& rejection) const {
  const Tool* tool = find(call.name);
  if (tool == nullptr) {
    rejection = {"error: unknown tool '" + call.name + "'", true};
    return nullptr;
  }
  std::string reason = validate_arguments(tool->spec.parameters, call.arguments);
  if (!reason.empty()) {
    rejection = {"error: invalid arguments for '" + call.name + "': " + reason, true};
    return nullptr;
  }
  return tool;
}

ToolResult ToolRegistry::invoke(const ToolCall& call) const {
  try {
    ToolResult rejection;
    const Tool* tool = checked(call, rejection);
    if (tool == nullptr) return rejection;
    if (tool->async_function) return sync_wait(run_async(*tool, call));
    return run(*tool, call);
  } catch (...) {
    // Only allocation can fail out here; the run still gets an answer it can report.
    return {"error: tool call failed", true};
  }
}

Task<ToolResult> ToolRegistry::invoke_async(const ToolCall& call) const {
  ToolResult rejection;
  const Tool* tool = checked(call, rejection);
  if (tool == nullptr) co_return std::move(rejection);
  if (!tool->async_function) co_return run(*tool, call);
  co_return co_await run_async(*tool, call);
}

ToolResult ToolRegistry::run(const Tool& tool, const ToolCall& call) {
  try {
    return success(tool.function(call.arguments));
  } catch (...) {
    return failure(call.name, std::current_exception());
  }
}

Task<ToolResult> ToolRegistry::run_async(const Tool& tool, const ToolCall& call) {
  std::exception_ptr error;
  try {
    co_return success(co_await tool.async_function(call.arguments));
  } catch (...) {
    error = std::current_exception();
  }
  co_return failure(call.name, error);
}

}  // namespace legion
