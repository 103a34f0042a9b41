#include "industry/academic.hpp"

#include <pybind11/pybind11.h>

#include <chrono>
#include <fstream>
#include <ostream>

#include "industry/disclosure.hpp"
#include "legion/error.hpp"
#include "python_bridge/interpreter.hpp"
#include "python_bridge/json.hpp"
#include "python_bridge/python_error.hpp"

namespace py = pybind11;

namespace industry {
namespace {

constexpr const char* kGlue = "legion_agentdojo";

template <typename F>
auto with_gil(F&& f) {
  py::gil_scoped_acquire gil;
  try {
    return f();
  } catch (py::error_already_set&) {
    legion::python::rethrow_python_error();
  }
}

// A Python object C++ code holds: released with the GIL taken, from whichever thread.
std::shared_ptr<py::object> hold(py::object object) {
  return std::shared_ptr<py::object>(new py::object(std::move(object)), [](py::object* o) {
    py::gil_scoped_acquire gil;
    delete o;
  });
}

struct TaskFigures {
  std::string id;
  bool passed = false;
  std::string error;
  std::size_t ground_truth_calls = 0;
  std::vector<double> wall_ms, model_ms;
  std::uint64_t tool_calls = 0, model_calls = 0;
};

double mean(const std::vector<double>& xs) {
  double s = 0;
  for (double x : xs) s += x;
  return xs.empty() ? NAN : s / static_cast<double>(xs.size());
}

class AgentDojoReplay {
 public:
  explicit AgentDojoReplay(const AcademicOptions& o) : o_(o) {
    adapter_ = start_adapter(o.framework);  // a Python framework starts the interpreter here
    // AgentDojo is imported into the virtualenv the framework started (its own, for a
    // framework whose pins conflict with requirements.txt): a process has one virtualenv.
    legion::python::InterpreterOptions python{
        {}, {std::string(LEGION_ADAPTERS_DIR) + "/python_common"}};
    if (legion::python::interpreter_running()) python.venv = legion::python::interpreter_venv();
    legion::python::start_interpreter(python);
    legion::python::import_module("agentdojo");
    with_gil([&] {
      glue_ = hold(py::module_::import(kGlue));
      version_ = glue_->attr("version")().cast<std::string>();
      py::list suites = glue_->attr("suite_names")(o.benchmark_version);
      std::string known;
      bool found = false;
      for (auto s : suites) {
        const auto name = s.cast<std::string>();
        found = found || name == o.suite;
        known += (known.empty() ? "" : ", ") + name;
      }
      if (!found) throw UsageError("unknown suite '" + o.suite + "' (known: " + known + ")");
      for (auto id : glue_->attr("user_task_ids")(o.suite, o.benchmark_version))
        all_tasks_.push_back(id.cast<std::string>());
      return 0;
    });
  }

  const std::vector<std::string>& all_tasks() const { return all_tasks_; }
  const std::string& agentdojo_version() const { return version_; }
  std::string framework_version() const { return adapter_->version(); }

  // One fresh environment, one run; returns false with `error` when the task could not run.
  bool run_once(const std::string& task_id, TaskFigures& figures) {
    std::shared_ptr<py::object> run;
    std::vector<legion::Tool> tools;
    std::string prompt;
    with_gil([&] {
      run = hold(glue_->attr("TaskRun")(o_.suite, task_id, o_.benchmark_version));
      prompt = run->attr("prompt")().cast<std::string>();
      figures.ground_truth_calls = run->attr("ground_truth_calls")().cast<std::size_t>();
      for (auto spec : run->attr("tool_specs")()) {
        const legion::Json s = legion::python::to_json(spec);
        const std::string name = s["name"].get<std::string>();
        tools.push_back(
            {{name, s["description"].get<std::string>(), s["parameters"]},
             [run, name](const legion::Json& args) {
               return with_gil([&] {
                 return legion::Json(
                     run->attr("call")(name, legion::python::from_json(args)).cast<std::string>());
               });
             }});
      }
      return 0;
    });
    legion::adapters::Scenario scenario;
    scenario.id = "agentdojo_" + o_.suite + "_" + task_id;
    scenario.source = "agentdojo " + o_.suite + "/" + task_id;
    scenario.pattern = legion::adapters::Pattern::kSingle;
    std::vector<std::string> names;
    for (const auto& t : tools) names.push_back(t.spec.name);
    scenario.tools = names;
    scenario.agents.push_back(
        {"assistant", "a personal assistant", "complete the user's task", "", names});
    // The prompt goes in verbatim: ${ would read as a harness template.
    if (prompt.find("${") != std::string::npos) {
      figures.error = "the task text holds '${', which the scenario templates would expand";
      return false;
    }
    scenario.tasks.push_back(prompt);
    scenario.min_model_calls = std::to_string(figures.ground_truth_calls + 1);
    legion::adapters::RunConfig config;
    config.seed = o_.seed;
    config.latency = legion::LatencyModel::parse(o_.latency);
    config.extra_tools = tools;
    try {
      const auto support = adapter_->support(scenario);
      if (!support.supported) throw Unsupported(support.reason);
      adapter_->prepare(scenario, config);
      const auto input = legion::adapters::instantiate(scenario, config.parameters, config.seed);
      const auto started = std::chrono::steady_clock::now();
      const auto outcome = adapter_->run(input);
      const std::chrono::duration<double, std::milli> wall =
          std::chrono::steady_clock::now() - started;
      adapter_->teardown();
      figures.wall_ms.push_back(wall.count());
      figures.model_ms.push_back(
          std::chrono::duration<double, std::milli>(outcome.model_time).count());
      figures.tool_calls = outcome.tool_calls;
      figures.model_calls = outcome.model_calls;
      const bool utility =
          with_gil([&] { return run->attr("utility")(outcome.answer).cast<bool>(); });
      if (!utility) {
        figures.error =
            "AgentDojo's utility check failed (answer: '" + outcome.answer.substr(0, 200) + "')";
        return false;
      }
      return true;
    } catch (const Unsupported&) {
      throw;
    } catch (const std::exception& e) {
      adapter_->teardown();
      figures.error = e.what();
      return false;
    }
  }

 private:
  const AcademicOptions& o_;
  std::unique_ptr<legion::adapters::Adapter> adapter_;
  std::shared_ptr<py::object> glue_;
  std::string version_;
  std::vector<std::string> all_tasks_;
};

Json load_baseline(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw UsageError("--baseline " + file.string() + ": cannot read it");
  Json j = Json::parse(in, nullptr, false);
  if (!j.is_object() || j.value("benchmark", "") != "academic" || !j.contains("summary")) {
    throw UsageError("--baseline " + file.string() + ": not a legion-industry academic result");
  }
  return j;
}

}  // namespace

BenchmarkResult run_academic(const AcademicOptions& o) {
  if (o.out_dir.empty()) throw UsageError("--out DIR is required");
  // The suites every AgentDojo version has: a typo fails before the interpreter starts (the
  // glue checks again against the installed version's list).
  static const std::vector<std::string> kSuites = {"banking", "slack", "travel", "workspace"};
  if (std::find(kSuites.begin(), kSuites.end(), o.suite) == kSuites.end()) {
    throw UsageError("unknown suite '" + o.suite + "' (known: banking, slack, travel, workspace)");
  }
  if (o.repetitions < 1) throw UsageError("--repetitions must be >= 1");
  try {
    legion::LatencyModel::parse(o.latency);
  } catch (const std::exception& e) {
    throw UsageError(e.what());
  }
  const Json baseline = o.baseline.empty() ? Json() : load_baseline(o.baseline);
  std::unique_ptr<AgentDojoReplay> replay;
  try {
    replay = std::make_unique<AgentDojoReplay>(o);
  } catch (const legion::python::MissingPackage& e) {
    throw UsageError(e.what());
  }
  std::vector<std::string> tasks = o.tasks.empty() ? replay->all_tasks() : o.tasks;
  for (const auto& t : tasks) {
    if (std::find(replay->all_tasks().begin(), replay->all_tasks().end(), t) ==
        replay->all_tasks().end()) {
      throw UsageError("unknown user task '" + t + "' in suite " + o.suite);
    }
  }
  const Json config = {{"framework", o.framework},
                       {"suite", o.suite},
                       {"benchmark_version", o.benchmark_version},
                       {"seed", o.seed},
                       {"model_latency", o.latency},
                       {"repetitions", o.repetitions},
                       {"tasks", tasks}};
  BenchmarkResult result;
  Json& j = result.json;
  j = {{"benchmark", "academic"},
       {"framework", o.framework},
       {"suite", o.suite},
       {"agentdojo_version", replay->agentdojo_version()}};
  Json rows = Json::array();
  std::size_t passed = 0;
  double wall_sum = 0, residual_sum = 0;
  std::uint64_t tool_sum = 0;
  try {
    for (const auto& id : tasks) {
      TaskFigures f;
      f.id = id;
      bool ok = true;
      for (int r = 0; r < o.repetitions && ok; ++r) ok = replay->run_once(id, f);
      f.passed = ok;
      passed += ok;
      const double wall = mean(f.wall_ms), model = mean(f.model_ms);
      Json row = {{"id", id},
                  {"passed", ok},
                  {"ground_truth_calls", f.ground_truth_calls},
                  {"tool_calls", f.tool_calls},
                  {"model_calls", f.model_calls},
                  {"wall_ms", wall},
                  {"model_ms", model},
                  {"residual_ms", wall - model},
                  {"runs", f.wall_ms.size()}};
      if (!f.error.empty()) row["error"] = f.error;
      if (ok) {
        wall_sum += wall;
        residual_sum += wall - model;
        tool_sum += f.tool_calls;
      }
      if (o.progress) {
        *o.progress << "legion-industry academic " << o.framework << " " << o.suite << "/" << id
                    << ": " << (ok ? "pass" : "FAIL: " + f.error) << "\n";
      }
      rows.push_back(row);
    }
  } catch (const Unsupported& e) {
    return unsupported_result(j, e.what(), disclosure(o.command_line, config, o.framework, ""),
                              o.out_dir / ("academic-" + o.suite + ".json"));
  }
  const double per_tool = tool_sum > 0 ? residual_sum / static_cast<double>(tool_sum) : NAN;
  j["framework_version"] = replay->framework_version();
  j["status"] = passed == tasks.size() ? "ok" : "failed";
  j["summary"] = {
      {"tasks", tasks.size()},
      {"passed", passed},
      {"failed", tasks.size() - passed},
      {"time_per_task_ms", passed ? wall_sum / static_cast<double>(passed) : NAN},
      {"residual_per_task_ms", passed ? residual_sum / static_cast<double>(passed) : NAN},
      {"tool_calls", tool_sum},
      {"residual_per_tool_call_ms", per_tool}};
  if (!baseline.is_null()) {
    const double base = baseline["summary"].value("residual_per_tool_call_ms", NAN);
    j["vs_baseline"] = {{"baseline_framework", baseline.value("framework", "")},
                        {"baseline_residual_per_tool_call_ms", base},
                        {"tool_call_overhead_ratio", per_tool / base}};
  }
  j["tasks"] = rows;
  j["config"] = config;
  j["disclosure"] = disclosure(o.command_line, config, o.framework, replay->framework_version());
  write_json(o.out_dir / ("academic-" + o.suite + ".json"), j);
  result.exit_code = passed == tasks.size() ? 0 : 1;
  return result;
}

}  // namespace industry
