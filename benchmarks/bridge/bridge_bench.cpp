// legion-bridge-bench: what crossing the C++/Python border costs, so a reader can see it is
// negligible next to a framework's own overhead (issue 6: goal <= 1 us per round trip).
//   BM_RoundTrip          C++ calls a Python function that calls back into C++ (noop), GIL held
//   BM_RoundTripTakingGil the same, taking and releasing the GIL per call (as adapter runs do)
//   BM_ModelCall/cpp      one SimulatedModel call from C++ (a two-step tool script)
//   BM_ModelCall/python   the same call from Python: dict conversion both ways included
#include <benchmark/benchmark.h>
#include <pybind11/embed.h>

#include "legion/simulated_model.hpp"
#include "python_bridge/bridge.hpp"
#include "python_bridge/interpreter.hpp"

namespace py = pybind11;
using namespace legion;

namespace {

const char* const kTask =
    "Add 2 and 3.\n[[script]]\ncall add {\"a\": 2, \"b\": 3}\nanswer The sum is {{result}}\n"
    "[[/script]]";

py::object python_function(const char* source, const char* name,
                           const py::dict& scope = py::dict()) {
  py::exec(source, scope);
  return scope[name];
}

void BM_RoundTrip(benchmark::State& state) {
  py::gil_scoped_acquire gil;
  const py::object f = python_function(
      "import legion_bridge\nnoop = legion_bridge.noop\ndef f():\n    noop()\n", "f");
  for (auto _ : state) f();
}
BENCHMARK(BM_RoundTrip);

void BM_RoundTripTakingGil(benchmark::State& state) {
  py::object f;
  {
    py::gil_scoped_acquire gil;
    f = python_function("import legion_bridge\nnoop = legion_bridge.noop\ndef f():\n    noop()\n",
                        "f");
  }
  for (auto _ : state) {
    py::gil_scoped_acquire gil;
    f();
  }
  py::gil_scoped_acquire gil;
  f = py::object();
}
BENCHMARK(BM_RoundTripTakingGil);

ModelRequest first_turn() {
  ModelRequest request;
  request.messages = {{Role::kSystem, "You are a careful analyst.", {}, {}, {}},
                      {Role::kUser, kTask, {}, {}, {}}};
  request.tools = {
      {"add", "Add two integers.",
       Json{{"type", "object"},
            {"properties", {{"a", {{"type", "integer"}}}, {"b", {{"type", "integer"}}}}},
            {"required", {"a", "b"}}}}};
  return request;
}

void BM_ModelCallCpp(benchmark::State& state) {
  SimulatedModel model;
  const ModelRequest request = first_turn();
  for (auto _ : state) benchmark::DoNotOptimize(model.complete(request));
}
BENCHMARK(BM_ModelCallCpp)->Name("BM_ModelCall/cpp");

void BM_ModelCallPython(benchmark::State& state) {
  SimulatedModel model;
  py::gil_scoped_acquire gil;
  py::dict scope;
  scope["model"] = python::wrap_model(model);
  scope["task"] = kTask;
  const py::object f = python_function(R"(
messages = [{"role": "system", "content": "You are a careful analyst."},
            {"role": "user", "content": task}]
tools = [{"name": "add", "description": "Add two integers.",
          "parameters": {"type": "object",
                         "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                         "required": ["a", "b"]}}]
def f():
    return model.complete(messages, tools)
def g():
    return model.complete(messages)
)",
                                       "f", scope);
  const py::object g = scope["g"];
  if (state.range(0) == 0) {
    for (auto _ : state) g();
  } else {
    for (auto _ : state) f();
  }
}
BENCHMARK(BM_ModelCallPython)->Name("BM_ModelCall/python")->Arg(0)->Arg(1);

}  // namespace

int main(int argc, char** argv) {
  try {
    python::start_interpreter();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "legion-bridge-bench: %s\n", error.what());
    return 2;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
