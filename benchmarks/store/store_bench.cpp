// legion-store-bench: durable throughput of the task stores.
//   SqliteCompletions  complete_batch on pre-claimed tasks: completions/s per group commit
//   SqliteJobs         the worker cycle (claim a batch + complete it), with claim latency
//   PostgresJobs       the same cycle from 1, 2 and 4 threads, one connection each
// Every figure is a durable one: a completion counts once its transaction has committed
// (FULL: fsynced; NORMAL: in the WAL, fsynced at checkpoint). PostgreSQL runs with its
// defaults (fsync, synchronous_commit on) on the server `scripts/postgres start` made, or
// the one LEGION_PG_URL names; without one the PostgreSQL cases are skipped with an error.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "legion/store/task_store.hpp"
#include "support/postgres_url.hpp"
#include "support/temp_dir.hpp"

namespace legion::store {
namespace {

using std::chrono::milliseconds;

using legion_test::TempDir;

std::atomic<int> g_key_prefix{0};

// Submits `count` fresh tasks (unique keys across the whole run).
void submit(TaskStore& store, int count) {
  const std::string prefix = "b" + std::to_string(g_key_prefix++) + "-";
  std::vector<TaskSpec> specs;
  for (int done = 0; done < count;) {
    specs.clear();
    for (int i = 0; i < 1000 && done < count; ++i, ++done) {
      specs.push_back({prefix + std::to_string(done), "{\"n\":1}", 0});
    }
    store.submit_batch(specs);
  }
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  return values[index];
}

// One worker cycle: claim up to `batch` tasks (timed) and complete them in one commit.
// Returns how many tasks were done.
std::size_t claim_and_complete(TaskStore& store, const std::string& worker, int batch,
                               std::vector<double>& claim_us) {
  auto start = std::chrono::steady_clock::now();
  auto tasks = store.claim(worker, batch, milliseconds(60'000));
  claim_us.push_back(
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  std::vector<Completion> completions;
  completions.reserve(tasks.size());
  for (const auto& t : tasks) completions.push_back({t.id, t.lease_token, "{\"ok\":true}"});
  if (!completions.empty()) store.complete_batch(completions);
  return tasks.size();
}

void report_jobs(benchmark::State& state, std::int64_t jobs, const std::vector<double>& claim_us) {
  state.counters["jobs_per_s"] =
      benchmark::Counter(static_cast<double>(jobs), benchmark::Counter::kIsRate);
  // Averaged over threads: each thread reports its own percentile.
  state.counters["claim_p50_us"] =
      benchmark::Counter(percentile(claim_us, 0.50), benchmark::Counter::kAvgThreads);
  state.counters["claim_p99_us"] =
      benchmark::Counter(percentile(claim_us, 0.99), benchmark::Counter::kAvgThreads);
}

std::string sqlite_url(const TempDir& dir, bool full) {
  return "sqlite://" + dir.path() + "/bench.db?synchronous=" + (full ? "full" : "normal");
}

void SqliteCompletions(benchmark::State& state) {
  const bool full = state.range(0) == 1;
  const int batch = static_cast<int>(state.range(1));
  TempDir dir;
  auto store = open_store(sqlite_url(dir, full));
  std::vector<Task> leased;
  std::size_t next = 0;
  std::vector<Completion> completions;
  for (auto _ : state) {
    if (leased.size() - next < static_cast<std::size_t>(batch)) {
      state.PauseTiming();
      submit(*store, 8192);
      leased = store->claim("bench", 8192, milliseconds(3'600'000));
      next = 0;
      state.ResumeTiming();
    }
    completions.clear();
    for (int i = 0; i < batch; ++i, ++next) {
      completions.push_back({leased[next].id, leased[next].lease_token, "{\"ok\":true}"});
    }
    benchmark::DoNotOptimize(store->complete_batch(completions));
  }
  const auto completed = static_cast<double>(state.iterations()) * batch;
  state.counters["completions_per_s"] = benchmark::Counter(completed, benchmark::Counter::kIsRate);
  state.SetLabel(full ? "synchronous=FULL" : "synchronous=NORMAL");
}
BENCHMARK(SqliteCompletions)
    ->ArgsProduct({{1, 0}, {1, 16, 256}})
    ->ArgNames({"full", "batch"})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void SqliteJobs(benchmark::State& state) {
  const bool full = state.range(0) == 1;
  const int batch = static_cast<int>(state.range(1));
  TempDir dir;
  auto store = open_store(sqlite_url(dir, full));
  std::vector<double> claim_us;
  std::int64_t jobs = 0;
  for (auto _ : state) {
    auto done = claim_and_complete(*store, "bench", batch, claim_us);
    jobs += static_cast<std::int64_t>(done);
    if (done < static_cast<std::size_t>(batch)) {
      state.PauseTiming();
      submit(*store, 16384);
      state.ResumeTiming();
    }
  }
  report_jobs(state, jobs, claim_us);
  state.SetLabel(full ? "synchronous=FULL" : "synchronous=NORMAL");
}
BENCHMARK(SqliteJobs)
    ->ArgsProduct({{1, 0}, {1, 16, 256}})
    ->ArgNames({"full", "batch"})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// PostgreSQL: Setup (once per run, before the threads start) makes a fresh schema holding
// exactly the tasks the fixed iteration count will consume.
constexpr int kPgIterations = 200;
std::string g_pg_url;

void PostgresSetup(const benchmark::State& state) {
  static std::atomic<int> run{0};
  std::string base = legion_test::postgres_url_or_empty();
  g_pg_url.clear();
  if (base.empty()) return;
  g_pg_url = base + (base.find('?') == std::string::npos ? "?" : "&") + "schema=bench_" +
             std::to_string(getpid()) + "_" + std::to_string(run++);
  auto store = open_store(g_pg_url);
  submit(*store, static_cast<int>(state.threads() * state.range(0)) * kPgIterations);
}

void PostgresJobs(benchmark::State& state) {
  if (g_pg_url.empty()) {
    state.SkipWithError("no PostgreSQL: run scripts/postgres start or set LEGION_PG_URL");
    return;
  }
  const int batch = static_cast<int>(state.range(0));
  auto store = open_store(g_pg_url);  // one connection per worker thread
  const std::string worker = "bench-" + std::to_string(state.thread_index());
  std::vector<double> claim_us;
  claim_us.reserve(kPgIterations);
  std::int64_t jobs = 0;
  for (auto _ : state) {
    jobs += static_cast<std::int64_t>(claim_and_complete(*store, worker, batch, claim_us));
  }
  report_jobs(state, jobs, claim_us);
  state.SetLabel("connections=" + std::to_string(state.threads()));
}
BENCHMARK(PostgresJobs)
    ->Setup(PostgresSetup)
    ->ArgName("batch")
    ->Arg(16)
    ->Arg(128)
    ->Iterations(kPgIterations)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace legion::store

BENCHMARK_MAIN();
