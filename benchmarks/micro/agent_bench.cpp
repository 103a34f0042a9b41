// Agent-level micro benchmarks: construction, one step, a one-tool task, the 3-agent
// pipeline and the 5-way fan-out, plus the floor: the simulated model driven by a plain loop
// for the same replies as simple_task. Every benchmark validates its answer before timing
// and reports residual_ns = wall time - simulated model time, per iteration.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "alloc_counter.hpp"
#include "legion/agent.hpp"
#include "legion/executor.hpp"
#include "legion/fork_join.hpp"
#include "legion/patterns.hpp"
#include "legion/simulated_model.hpp"
#include "legion/sync_wait.hpp"

namespace legion::bench {
namespace {

constexpr const char* kSimpleTask =
    "Add two and three.\n[[script]]\ncall add {\"a\": 2, \"b\": 3}\nanswer The sum is "
    "{{result}}\n[[/script]]";

ToolRegistry& registry() {
  static ToolRegistry tools = [] {
    ToolRegistry r;
    r.add("add", "Add two numbers.",
          Json{{"type", "object"},
               {"properties", {{"a", {{"type", "number"}}}, {"b", {{"type", "number"}}}}},
               {"required", {"a", "b"}}},
          [](const Json& args) -> Json {
            return args["a"].get<double>() + args["b"].get<double>() == 5.0
                       ? Json("5")
                       : Json(std::to_string(args["a"].get<double>() + args["b"].get<double>()));
          });
    return r;
  }();
  return tools;
}

AgentConfig worker_config(std::string name) {
  return AgentConfig{
      std::move(name), "a careful analyst", "answer the question exactly", "", {"add"}};
}

void fail_unless(benchmark::State& state, bool ok, const std::string& why) {
  if (!ok) state.SkipWithError(why.c_str());
}

// Reports the counters every agent benchmark shares.
void report(benchmark::State& state, const Usage& usage, std::chrono::nanoseconds wall,
            std::int64_t iterations) {
  const double n = static_cast<double>(iterations);
  state.counters["model_calls"] = static_cast<double>(usage.model_calls) / n;
  state.counters["tool_calls"] = static_cast<double>(usage.tool_calls) / n;
  state.counters["residual_ns"] = static_cast<double>((wall - usage.model_time).count()) / n;
  state.counters["model_ns"] = static_cast<double>(usage.model_time.count()) / n;
}

void BM_AgentConstruction(benchmark::State& state) {
  const AgentConfig config = worker_config("analyst");
  const AllocSnapshot before = alloc_snapshot();
  for (auto _ : state) {
    Agent agent(config, &registry());
    benchmark::DoNotOptimize(agent);
  }
  const AllocSnapshot after = alloc_snapshot();
  const double n = static_cast<double>(state.iterations());
  state.counters["allocs_per_op"] = static_cast<double>(after.allocations - before.allocations) / n;
  // Footprint = the object plus what it allocated; nothing is freed before the agent dies.
  state.counters["bytes_per_op"] =
      static_cast<double>(after.bytes - before.bytes) / n + static_cast<double>(sizeof(Agent));
}
BENCHMARK(BM_AgentConstruction)->Name("runtime/agent_construction");

// Times a full run of `body` per iteration after one validated run.
template <class Body>
void timed_runs(benchmark::State& state, const std::string& expected, Body body) {
  PatternResult first = body();
  if (first.answer != expected) {
    fail_unless(state, false, "wrong answer: '" + first.answer + "', expected '" + expected + "'");
    return;
  }
  state.SetLabel(hex64(first.hash()));
  Usage usage;
  const AllocSnapshot before = alloc_snapshot();
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    PatternResult result = body();
    usage += result.usage;
    benchmark::DoNotOptimize(result);
  }
  const auto wall = std::chrono::steady_clock::now() - start;
  const AllocSnapshot after = alloc_snapshot();
  report(state, usage, std::chrono::duration_cast<std::chrono::nanoseconds>(wall),
         state.iterations());
  state.counters["allocs_per_op"] = static_cast<double>(after.allocations - before.allocations) /
                                    static_cast<double>(state.iterations());
}

void BM_AgentStep(benchmark::State& state) {
  SimulatedModel model;
  const Agent agent(worker_config("analyst"), &registry());
  const std::string task = "Say ok.\n[[script]]\nanswer ok\n[[/script]]";
  timed_runs(state, "ok", [&] { return run_single(agent, model, task); });
}
BENCHMARK(BM_AgentStep)->Name("runtime/agent_step");

void BM_SimpleTask(benchmark::State& state) {
  SimulatedModel model;
  const Agent agent(worker_config("analyst"), &registry());
  timed_runs(state, "The sum is 5", [&] { return run_single(agent, model, kSimpleTask); });
}
BENCHMARK(BM_SimpleTask)->Name("runtime/simple_task");

void BM_DirectFloor(benchmark::State& state) {
  SimulatedModel model;
  const Agent agent(worker_config("analyst"), &registry());
  const Tool& add = *registry().find("add");
  // The same two model calls simple_task makes, with the same conversation, and nothing else.
  auto once = [&](Usage& usage) {
    ModelRequest request;
    request.tools = {add.spec};
    request.messages = {{Role::kSystem, agent.system_prompt(), {}, {}, {}},
                        {Role::kUser, kSimpleTask, {}, {}, {}}};
    ModelResponse call = model.complete(request);
    const ToolCall tool_call = call.message.tool_calls.at(0);
    request.messages.push_back(std::move(call.message));
    request.messages.push_back({Role::kTool,
                                add.function(tool_call.arguments).get<std::string>(),
                                tool_call.name,
                                {},
                                tool_call.id});
    ModelResponse answer = model.complete(request);
    usage.model_calls += 2;
    usage.tool_calls += 1;
    usage.model_time += call.model_time + answer.model_time;
    return answer.message.content;
  };
  Usage usage;
  const std::string first = once(usage);
  if (first != "The sum is 5") {
    fail_unless(state, false, "wrong answer: '" + first + "'");
    return;
  }
  usage = {};
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) benchmark::DoNotOptimize(once(usage));
  const auto wall = std::chrono::steady_clock::now() - start;
  report(state, usage, std::chrono::duration_cast<std::chrono::nanoseconds>(wall),
         state.iterations());
}
BENCHMARK(BM_DirectFloor)->Name("runtime/direct_floor");

void BM_Pipeline3(benchmark::State& state) {
  SimulatedModel model;
  const Agent researcher({"researcher", "a researcher", "find facts", "", {}});
  const Agent writer({"writer", "a writer", "write a draft", "", {}});
  const Agent reviewer({"reviewer", "a reviewer", "review the draft", "", {}});
  const Stage stages[] = {
      {&researcher, "Research {{input}}.\n[[script]]\nanswer facts about {{step}}\n[[/script]]"},
      {&writer, "Write from: {{input}}\n[[script]]\nanswer draft\n[[/script]]"},
      {&reviewer, "Review: {{input}}\n[[script]]\nanswer approved\n[[/script]]"}};
  timed_runs(state, "approved", [&] { return run_pipeline(stages, model, "topic"); });
}
BENCHMARK(BM_Pipeline3)->Name("runtime/pipeline3");

void BM_FanOut5(benchmark::State& state) {
  SimulatedModel model;
  Executor executor(2);
  const Agent worker(worker_config("worker"), &registry());
  std::vector<Stage> branches;
  for (int i = 0; i < 5; ++i) {
    branches.push_back({&worker, "Part " + std::to_string(i) + "\n[[script]]\nanswer part " +
                                     std::to_string(i) + "\n[[/script]]"});
  }
  timed_runs(state, "part 0\npart 1\npart 2\npart 3\npart 4",
             [&] { return run_fan_out(branches, nullptr, "", model, executor); });
}
BENCHMARK(BM_FanOut5)->Name("runtime/fanout5")->UseRealTime();

// The issue-17 shape: 1,024 independent simple_task runs at once on 2 workers, every model call
// waiting a fixed 20 ms. Each run makes two calls in sequence, so the critical path is 40 ms;
// critical_path_ratio = wall / critical path shows what scheduling 1,024 waiting runs costs.
Task<void> run_into(const Agent& agent, Model& model, const std::string& task,
                    PatternResult& slot) {
  slot = co_await run_single_async(agent, model, task);
}

void BM_ConcurrentLatency(benchmark::State& state) {
  constexpr std::size_t kRuns = 1024;
  const LatencyModel latency = LatencyModel::parse("fixed:20ms");
  SimulatedModel model({42, latency});
  Executor executor(2);
  const Agent agent(worker_config("analyst"), &registry());
  const std::string task = kSimpleTask;
  std::vector<PatternResult> results(kRuns);
  auto all = [&] {
    sync_wait(for_each_async(
        &executor, kRuns, [&](std::size_t i) { return run_into(agent, model, task, results[i]); }));
  };
  all();
  std::uint64_t calls_per_run = 0;
  for (const PatternResult& result : results) {
    if (result.answer != "The sum is 5") return fail_unless(state, false, "wrong answer");
    calls_per_run = std::max(calls_per_run, result.usage.model_calls);
  }
  const double critical =
      static_cast<double>(calls_per_run) * static_cast<double>(latency.sample(42, 0, 0).count());
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) all();
  const std::chrono::duration<double, std::nano> wall = std::chrono::steady_clock::now() - start;
  const double per_iteration = wall.count() / static_cast<double>(state.iterations());
  state.counters["critical_path_ns"] = critical;
  state.counters["critical_path_ratio"] = per_iteration / critical;
}
BENCHMARK(BM_ConcurrentLatency)
    ->Name("runtime/concurrent_execution/agents=1024/fixed_20ms")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace legion::bench
