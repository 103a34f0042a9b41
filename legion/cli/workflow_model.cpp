#include "workflow_model.hpp"

#include <cstdint>
#include <limits>

#include "legion/error.hpp"
#include "legion/openai_model.hpp"
#include "legion/simulated_model.hpp"

namespace legion::cli {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& field, const std::string& what) {
  throw ConfigError("workflow: model" + (field.empty() ? "" : "." + field) + ": " + what);
}

void only_fields(const json& model, std::initializer_list<const char*> allowed) {
  for (const auto& [name, value] : model.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || name == a;
    if (!known) bad("", "unknown field '" + name + "'");
  }
}

std::string text(const json& model, const char* field, const char* fallback = nullptr) {
  const auto it = model.find(field);
  if (it == model.end()) {
    if (fallback != nullptr) return fallback;
    bad(field, "is required");
  }
  if (!it->is_string()) bad(field, "must be a string");
  return it->get<std::string>();
}

std::uint64_t number(const json& model, const char* field, std::uint64_t fallback, bool positive) {
  const auto it = model.find(field);
  if (it == model.end()) return fallback;
  if (!it->is_number_unsigned() || (positive && it->get<std::uint64_t>() == 0)) {
    bad(field, positive ? "must be a positive integer" : "must be a non-negative integer");
  }
  return it->get<std::uint64_t>();
}

std::unique_ptr<Model> simulated(const json& model) {
  only_fields(model, {"type", "seed", "latency"});
  SimulatedModelOptions options;
  options.seed = number(model, "seed", options.seed, false);
  try {
    options.latency = LatencyModel::parse(text(model, "latency", "none"));
  } catch (const ConfigError& error) {
    bad("latency", error.what());
  }
  return std::make_unique<SimulatedModel>(options);
}

std::unique_ptr<Model> openai(const json& model) {
  only_fields(model, {"type", "base_url", "model", "api_key_env", "timeout_ms",
                      "connect_timeout_ms", "max_retries", "temperature", "max_tokens"});
  OpenAIModelOptions options;
  options.base_url = text(model, "base_url");
  if (!options.base_url.starts_with("http://") && !options.base_url.starts_with("https://")) {
    bad("base_url", "must be an http:// or https:// URL (the server's root, without /v1)");
  }
  while (options.base_url.ends_with("/")) options.base_url.pop_back();
  if (options.base_url.ends_with("/v1")) {
    bad("base_url", "give the server's root: LEGION appends /v1/chat/completions");
  }
  options.model = text(model, "model");
  options.api_key_env = text(model, "api_key_env", options.api_key_env.c_str());
  options.timeout = std::chrono::milliseconds(
      number(model, "timeout_ms", static_cast<std::uint64_t>(options.timeout.count()), true));
  options.connect_timeout = std::chrono::milliseconds(
      number(model, "connect_timeout_ms",
             static_cast<std::uint64_t>(options.connect_timeout.count()), true));
  options.max_retries = static_cast<int>(
      std::min<std::uint64_t>(number(model, "max_retries", options.max_retries, false), 100));
  const std::uint64_t max_tokens = number(model, "max_tokens", options.max_tokens, true);
  if (max_tokens > std::numeric_limits<std::uint32_t>::max()) bad("max_tokens", "is too large");
  options.max_tokens = static_cast<std::uint32_t>(max_tokens);
  if (const auto it = model.find("temperature"); it != model.end()) {
    if (!it->is_number()) bad("temperature", "must be a number");
    options.temperature = it->get<double>();
  }
  return std::make_unique<OpenAIModel>(std::move(options));
}

}  // namespace

std::unique_ptr<WorkflowModel> make_workflow_model(const json& model) {
  if (!model.is_object()) bad("", "must be an object");
  const std::string type = text(model, "type", "simulated");
  if (type == "simulated") return std::make_unique<WorkflowModel>(simulated(model));
  if (type == "openai") return std::make_unique<WorkflowModel>(openai(model));
  bad("type", "unknown model '" + type + "' (simulated, openai)");
}

}  // namespace legion::cli
