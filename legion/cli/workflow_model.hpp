#pragma once
// The `model` of a workflow spec (docs/workflow-spec.md): the simulated model, or any
// OpenAI-compatible endpoint through legion::OpenAIModel. Either way the workflow sees one
// Model that also counts the calls this process made (the result's model_calls_total).
#include <atomic>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>

#include "legion/model.hpp"

namespace legion::cli {

class WorkflowModel final : public Model {
 public:
  explicit WorkflowModel(std::unique_ptr<Model> inner) : inner_(std::move(inner)) {}
  ModelResponse complete(const ModelRequest& request) override {
    ModelResponse response = inner_->complete(request);
    calls_.fetch_add(1, std::memory_order_relaxed);
    return response;
  }
  std::string name() const override { return inner_->name(); }
  std::uint64_t calls() const { return calls_.load(std::memory_order_relaxed); }

 private:
  std::unique_ptr<Model> inner_;
  std::atomic<std::uint64_t> calls_{0};
};

// {"type": "simulated", "seed", "latency"} (the default when absent) or {"type": "openai",
// "base_url", "model", "api_key_env", "timeout_ms", "connect_timeout_ms", "max_retries",
// "temperature", "max_tokens"}. Throws ConfigError
// "workflow: model.FIELD: ..." naming the offending field.
std::unique_ptr<WorkflowModel> make_workflow_model(const nlohmann::json& model);

}  // namespace legion::cli
