#include "python_adapter.hpp"

#include <pybind11/pybind11.h>

#include <map>
#include <optional>

#include "legion/error.hpp"
#include "python_bridge/bridge.hpp"
#include "python_bridge/heap.hpp"
#include "python_bridge/interpreter.hpp"
#include "python_bridge/json.hpp"
#include "python_bridge/python_error.hpp"
#include "resources.hpp"
#include "tool_catalogue.hpp"
#include "work_hash.hpp"

namespace py = pybind11;

namespace legion::adapters {
namespace {

// legion_common: LEGION's semantics every adapter package shares (system prompt, tool
// schemas, vote counting).
constexpr const char* kCommonDirectory = LEGION_ADAPTERS_DIR "/python_common";

// The endpoint of an HTTP run, for the package to build its framework's own client; null
// in-process. The key's variable is named, the key itself never copied.
Json endpoint_json(const Endpoint& endpoint) {
  if (endpoint.in_process()) return nullptr;
  Json out = {{"base_url", endpoint.base_url},
              {"model", endpoint.model},
              {"api_key_env", endpoint.api_key_env},
              {"timeout_s", std::chrono::duration<double>(endpoint.timeout).count()},
              {"max_retries", endpoint.max_retries}};
  if (endpoint.context_window > 0) out["context_window"] = endpoint.context_window;
  if (endpoint.max_tokens > 0) out["max_tokens"] = endpoint.max_tokens;
  return out;
}

Json to_spec(const ScenarioInput& in, const std::string& python, const Endpoint& endpoint = {}) {
  Json agents = Json::array();
  for (const AgentSpec& a : in.agents) {
    agents.push_back({{"name", a.name},
                      {"role", a.role},
                      {"goal", a.goal},
                      {"instructions", a.instructions},
                      {"tools", a.tools}});
  }
  return {{"scenario", in.scenario_id},
          {"pattern", to_string(in.pattern)},
          {"agents", std::move(agents)},
          {"tasks", in.tasks},
          {"pipeline_input", in.pipeline_input},
          {"expected", in.expected},
          {"min_model_calls", in.min_model_calls},
          {"max_turns", in.max_turns},
          {"runs_at_once", in.runs_at_once},
          {"max_iterations", in.max_iterations},
          {"checker_feedback", in.checker_feedback},
          {"human_replies", in.human_replies},
          {"execute_code", in.execute_code},
          {"conversation_memory", in.conversation_memory},
          {"python", python},
          {"memory_top_k", kMemoryTopK},
          {"endpoint", endpoint_json(endpoint)}};
}

// Runs `f` with the GIL held, turning a Python exception into a PythonError.
template <typename F>
auto with_python(F&& f) {
  py::gil_scoped_acquire gil;
  try {
    return f();
  } catch (py::error_already_set&) {
    python::rethrow_python_error();
  }
}

// In an anonymous namespace: it holds pybind11 objects, whose types have hidden visibility.
class PythonAdapter final : public Adapter {
 public:
  PythonAdapter(PythonFramework framework, std::filesystem::path venv)
      : framework_(std::move(framework)), venv_(std::move(venv)) {}
  ~PythonAdapter() override {
    teardown();
    if (package_) with_python([&] { package_ = py::object(); });
  }

  std::string name() const override { return framework_.name; }

  std::string version() const override {
    const_cast<PythonAdapter*>(this)->start();
    return with_python([&] { return package_.attr("version")().cast<std::string>(); });
  }

  StartReport start() override {
    if (started_) return report_;
    report_.rss_before = current_rss_bytes();
    // A later adapter in the same process finds the interpreter running: its start costs
    // only its own imports.
    const bool first = !python::interpreter_running();
    const python::InterpreterStart& interpreter =
        python::start_interpreter({venv_, {framework_.directory, kCommonDirectory}});
    if (first) report_.interpreter = interpreter.duration;
    python_ = (python::interpreter_venv() / "bin" / "python").string();
    for (const std::string& module : framework_.modules)
      report_.import += python::import_module(module);
    report_.import += python::import_module(framework_.package);
    report_.rss_after = current_rss_bytes();
    with_python([&] { package_ = py::module_::import(framework_.package.c_str()); });
    started_ = true;
    return report_;
  }

  Support support(const Scenario& scenario) const override {
    if (const auto it = support_.find(scenario.id); it != support_.end()) return it->second;
    const_cast<PythonAdapter*>(this)->start();
    const ScenarioInput input = instantiate(scenario, parameter_grid(scenario, true).front(), 0);
    Support out = with_python([&] {
      py::object reason = package_.attr("support")(python::from_json(to_spec(input, python_)));
      return reason.is_none() ? Support{} : Support{false, reason.cast<std::string>()};
    });
    support_[scenario.id] = out;
    return out;
  }

  // The package's optional `http_support()`: None, or why its framework has no OpenAI client
  // here. Absent: the package builds one from the spec's endpoint.
  Support http_support() const override {
    if (!http_support_) {
      const_cast<PythonAdapter*>(this)->start();
      http_support_ = with_python([&] {
        if (!py::hasattr(package_, "http_support")) return Support{};
        py::object reason = package_.attr("http_support")();
        return reason.is_none() ? Support{} : Support{false, reason.cast<std::string>()};
      });
    }
    return *http_support_;
  }

  void prepare(const Scenario& scenario, const RunConfig& config) override {
    teardown();
    start();
    const ScenarioInput input = instantiate(scenario, config.parameters, config.seed);
    res_.build(scenario, input, config);
    std::vector<std::string> catalogue;
    for (const std::string& tool : scenario.tools) {
      if (tool != "search_memory") catalogue.push_back(tool);
    }
    with_python([&] {
      runner_ = package_.attr("build")(python::from_json(to_spec(input, python_, config.endpoint)),
                                       res_.model ? python::wrap_model(*res_.model) : py::none(),
                                       python::wrap_tools(res_.tools, catalogue),
                                       python::wrap_memory(res_.memory.get()));
    });
  }

  Outcome run(const ScenarioInput&) override {
    if (!runner_) throw Error(framework_.name + ": run() before prepare()");
    // Over HTTP the model is in the server, which keeps the books (the harness reads them).
    const ModelCounters before = res_.model ? res_.model->counters() : ModelCounters{};
    Outcome out;
    WorkHash hash;
    with_python([&] {
      const py::dict result = runner_.attr("run")();
      out.answer = result["answer"].cast<std::string>();
      for (py::handle transcript : result["transcripts"]) {
        std::vector<ChatMessage> messages = python::to_messages(transcript);
        hash.add(messages);
        for (const ChatMessage& m : messages) out.tool_calls += m.role == Role::kTool ? 1 : 0;
        out.transcripts.push_back(std::move(messages));
      }
      // Optional: the framework's own figures, reported as counters (docs/harness.md).
      if (result.contains("metrics")) {
        for (const auto& [name, value] : result["metrics"].cast<py::dict>())
          out.metrics[name.cast<std::string>()] = value.cast<double>();
      }
    });
    const ModelCounters after = res_.model ? res_.model->counters() : ModelCounters{};
    out.model_calls = after.calls - before.calls;
    out.prompt_tokens = after.prompt_tokens - before.prompt_tokens;
    out.completion_tokens = after.completion_tokens - before.completion_tokens;
    out.model_time = after.model_time - before.model_time;
    out.output_hash = hash.value();
    return out;
  }

  std::uint64_t heap_in_use_bytes() const override {
    const std::uint64_t python =
        python::interpreter_running() ? python::pymalloc_allocated_bytes() : 0;
    return Adapter::heap_in_use_bytes() + python;
  }

  void teardown() override {
    if (runner_) {
      with_python([&] {
        py::object runner = std::move(runner_);
        runner.attr("close")();
      });
    }
    res_.reset();  // after the runner: Python held handles to these
  }

 private:
  PythonFramework framework_;
  std::filesystem::path venv_;
  bool started_ = false;
  StartReport report_;
  std::string python_;  // the virtualenv's, for generated code: sys.executable is us
  py::object package_;
  py::object runner_;
  ScenarioResources res_;
  mutable std::map<std::string, Support> support_;
  mutable std::optional<Support> http_support_;
};

}  // namespace

std::unique_ptr<Adapter> make_python_adapter(PythonFramework framework,
                                             std::filesystem::path venv) {
  return std::make_unique<PythonAdapter>(std::move(framework), std::move(venv));
}

}  // namespace legion::adapters
