// runtime/empty_task: spawn + join of empty tasks through a TaskGroup.
//
// The batch is spawned from inside one worker task (the fork-join shape the patterns use: a task
// fans out and joins), so spawns go to the worker's own deque and the other workers steal. Each
// iteration also pays one async() round trip from the benchmark thread, amortized over the batch.
// runtime/empty_task_external spawns the same batch from the benchmark thread (injection queue).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

#include "legion/executor.hpp"
#include "legion/task_group.hpp"

namespace {

constexpr std::int64_t kBatch = 1000;

// Wall nanoseconds per task, measured around the whole loop so the figure reads the same on the
// console and in the JSON (the benchmark's own time is per iteration, i.e. per batch).
void report(benchmark::State& state, std::chrono::steady_clock::duration elapsed) {
  const auto tasks = static_cast<std::int64_t>(state.iterations()) * kBatch;
  state.SetItemsProcessed(tasks);
  state.counters["ns_per_task"] =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
      static_cast<double>(tasks);
}

void BM_EmptyTask(benchmark::State& state) {
  legion::Executor executor;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    executor
        .async([&executor] {
          legion::TaskGroup group(executor);
          for (std::int64_t i = 0; i < kBatch; ++i) group.spawn([] {});
          group.wait();
        })
        .get();
  }
  report(state, std::chrono::steady_clock::now() - start);
}
BENCHMARK(BM_EmptyTask)->Name("runtime/empty_task")->UseRealTime();

void BM_EmptyTaskExternal(benchmark::State& state) {
  legion::Executor executor;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    legion::TaskGroup group(executor);
    for (std::int64_t i = 0; i < kBatch; ++i) group.spawn([] {});
    group.wait();
  }
  report(state, std::chrono::steady_clock::now() - start);
}
BENCHMARK(BM_EmptyTaskExternal)->Name("runtime/empty_task_external")->UseRealTime();

}  // namespace
