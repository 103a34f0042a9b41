#include "scenario_bench.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <map>

#include "alloc_counter.hpp"
#include "critical_path.hpp"
#include "empty_adapter.hpp"
#include "legion/message.hpp"
#include "legion/simulated_model.hpp"
#include "registry.hpp"
#include "resources.hpp"
#include "run_context.hpp"
#include "validation.hpp"

namespace legion::harness {
namespace {

using Clock = std::chrono::steady_clock;

struct Case {
  const Scenario* scenario = nullptr;
  RunConfig config;
  ScenarioInput input;
  Support support;
  std::string name;
};

struct Totals {
  std::uint64_t model_calls = 0, tool_calls = 0, tokens_in = 0, tokens_out = 0;
  std::chrono::nanoseconds model_time{0};
  std::map<std::string, double> metrics;  // the adapter's own figures, summed over runs
  void add(const Outcome& o) {
    model_calls += o.model_calls;
    tool_calls += o.tool_calls;
    tokens_in += o.tokens_in;
    tokens_out += o.tokens_out;
    model_time += o.model_time;
    for (const auto& [name, value] : o.metrics) metrics[name] += value;
  }
};

// Bytes per prepared agent (memory_per_agent).
struct PerAgent {
  double heap = 0.0, rss = 0.0;
};

// Per-iteration averages, plain counters (not rates), the same set for every benchmark.
void report(benchmark::State& state, const Totals& t, std::chrono::nanoseconds wall,
            const bench::AllocSnapshot& before, std::uint64_t hash) {
  const double n = static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  const bench::AllocSnapshot after = bench::alloc_snapshot();
  state.counters["model_calls"] = static_cast<double>(t.model_calls) / n;
  state.counters["tool_calls"] = static_cast<double>(t.tool_calls) / n;
  state.counters["tokens_in"] = static_cast<double>(t.tokens_in) / n;
  state.counters["tokens_out"] = static_cast<double>(t.tokens_out) / n;
  state.counters["model_ns"] = static_cast<double>(t.model_time.count()) / n;
  state.counters["residual_ns"] = static_cast<double>((wall - t.model_time).count()) / n;
  state.counters["allocs_per_op"] = static_cast<double>(after.allocations - before.allocations) / n;
  state.counters["rss_bytes"] = static_cast<double>(current_rss_bytes());
  state.counters["validated"] = 1;
  for (const auto& [name, value] : t.metrics) state.counters[name] = value / n;
  state.SetLabel(hex64(hash));
}

}  // namespace

struct ScenarioBench::Impl {
  std::vector<Scenario> catalog;
  BenchOptions options;
  std::unique_ptr<Adapter> adapter;       // prepared for `prepared_for`, reused across runs
  std::unique_ptr<Adapter> constructing;  // the construction regime's own instance
  const Case* prepared_for = nullptr;
  std::deque<Case> cases;  // stable addresses: benchmarks hold pointers
  Case empty_case;
  EmptyAdapter empty;
  std::atomic<std::size_t> failures{0};
  StartReport start;
  std::map<const Case*, PerAgent> per_agent_cache;

  void fail(benchmark::State& state, const Case& c, const std::string& why) {
    if (c.support.supported) failures.fetch_add(1);
    state.SkipWithError(why.c_str());
  }

  // Google Benchmark calls a benchmark several times while it sizes the iteration count;
  // preparing once per case keeps a 100k-document corpus from being rebuilt each time.
  Adapter& prepared(const Case& c) {
    if (prepared_for != &c) {
      adapter->teardown();
      prepared_for = nullptr;
      adapter->prepare(*c.scenario, c.config);
      prepared_for = &c;
    }
    return *adapter;
  }

  // The validated reference outcome of a case, once per case and regime: Google Benchmark
  // calls a benchmark once per repetition (and while sizing the iteration count), and a
  // second full run each time would double the cost of the slow ones (a CrewAI run of 1,024
  // concurrent agents takes ~30 s). Every timed run is still checked against it.
  std::map<std::pair<const Case*, bool>, Outcome> references;

  // `c`'s reference for the hot (construction = false) or construction regime: first_run()'s
  // outcome once it passed validation. nullptr after fail() (`what` names the step).
  template <class Run>
  const Outcome* reference_for(benchmark::State& state, const Case& c, bool construction,
                               const char* what, Run first_run) {
    const auto key = std::pair(&c, construction);
    if (const auto it = references.find(key); it != references.end()) return &it->second;
    Outcome first;
    try {
      first = first_run();
    } catch (const std::exception& error) {
      fail(state, c, std::string(what) + " failed: " + error.what());
      return nullptr;
    }
    if (const std::string why = check_outcome(first, c.input); !why.empty()) {
      fail(state, c, why);
      return nullptr;
    }
    return &references.emplace(key, std::move(first)).first->second;
  }

  // The model latency a case's runs cannot avoid (critical_path.hpp), once per case. It is a
  // property of the work, which every framework must do as LEGION does (validated), and the
  // draws are keyed by script and step, so every framework draws the same: it is computed from
  // LEGION's transcripts of the case (a native run without latency, when this process runs
  // another framework, whose own transcripts need not show every request as sent).
  std::map<const Case*, ModelLatency> latencies;
  std::unique_ptr<Adapter> native;  // for the LEGION transcripts of another framework's cases
  const ModelLatency* latency_for(benchmark::State& state, const Case& c,
                                  const Outcome& reference) {
    if (const auto it = latencies.find(&c); it != latencies.end()) return &it->second;
    ModelLatency latency;
    if (c.config.latency.kind() != LatencyModel::Kind::kNone) {
      try {
        const SimulatedModel model({c.config.seed, c.config.latency});
        latency = options.framework == "legion"
                      ? model_latency(c.input.pattern, reference.transcripts, model)
                      : model_latency(c.input.pattern, legion_transcripts(c), model);
      } catch (const std::exception& error) {
        fail(state, c, std::string("critical-path model time: ") + error.what());
        return nullptr;
      }
    }
    return &latencies.emplace(&c, latency).first->second;
  }

  std::vector<std::vector<ChatMessage>> legion_transcripts(const Case& c) {
    if (!native) native = make_adapter("legion");
    RunConfig config = c.config;
    config.latency = LatencyModel::none();
    native->prepare(*c.scenario, config);
    Outcome outcome;
    try {
      outcome = native->run(c.input);
    } catch (...) {
      native->teardown();
      throw;
    }
    native->teardown();
    return std::move(outcome.transcripts);
  }

  // One run per iteration (hot), or N runs at once per iteration (concurrency: the adapter's
  // run does them), after one validated run that fixes the expected hash.
  void run_hot(benchmark::State& state, Adapter& a, const Case& c) {
    const Outcome* checked = reference_for(state, c, false, "run", [&] { return a.run(c.input); });
    if (checked == nullptr) return;
    const Outcome& reference = *checked;
    const ModelLatency* latency = latency_for(state, c, reference);
    if (latency == nullptr) return;
    Totals totals;
    bool stable = true;
    std::string error;
    const bench::AllocSnapshot before = bench::alloc_snapshot();
    const auto start = Clock::now();
    for (auto _ : state) {
      try {
        const Outcome o = a.run(c.input);
        totals.add(o);
        stable &= o.output_hash == reference.output_hash && o.model_calls == reference.model_calls;
      } catch (const std::exception& e) {
        error = std::string("run failed: ") + e.what();
        break;
      }
    }
    const auto wall = Clock::now() - start;
    if (!error.empty()) return fail(state, c, error);
    if (!stable) return fail(state, c, "output hash or model calls changed between iterations");
    report(state, totals, wall, before, reference.output_hash);
    if (c.scenario != nullptr) {  // not the harness's empty adapter
      state.counters["critical_path_model_ns"] =
          static_cast<double>(latency->critical_path.count());
      state.counters["model_latency_ns"] = static_cast<double>(latency->sum.count());
    }
  }

  // prepare() alone per iteration; teardown runs with the timer paused.
  void run_construction(benchmark::State& state, const Case& c) {
    const Outcome* reference = reference_for(state, c, true, "prepare/run", [&] {
      try {
        constructing->prepare(*c.scenario, c.config);
        Outcome first = constructing->run(c.input);
        constructing->teardown();
        return first;
      } catch (...) {
        constructing->teardown();
        throw;
      }
    });
    if (reference == nullptr) return;
    const bool per_agent_measured = c.input.corpus_documents == 0;
    const PerAgent per_agent = per_agent_measured ? memory_per_agent(c) : PerAgent{};

    std::chrono::nanoseconds building{0};
    const bench::AllocSnapshot before = bench::alloc_snapshot();
    for (auto _ : state) {
      const auto start = Clock::now();
      constructing->prepare(*c.scenario, c.config);
      building += Clock::now() - start;
      state.PauseTiming();
      constructing->teardown();
      state.ResumeTiming();
    }
    report(state, Totals{}, building, before, reference->output_hash);
    if (per_agent_measured) {
      state.counters["heap_per_agent_bytes"] = per_agent.heap;
      state.counters["rss_per_agent_bytes"] = per_agent.rss;
    }
  }

  // Memory a prepared agent holds, from kInstances extra instances kept alive at once, per
  // agent: the growth of live heap bytes (Adapter::heap_in_use_bytes: exact, whatever pages
  // the allocators reuse) and of RSS (what the OS sees: 4 KiB pages, and 0 when freed pages
  // are reused, so a lower bound). Once per case and process; scenarios with a corpus are left
  // out: each instance builds its own corpus, which would swamp the agents.
  PerAgent memory_per_agent(const Case& c) {
    if (const auto it = per_agent_cache.find(&c); it != per_agent_cache.end()) return it->second;
    constexpr std::size_t kInstances = 32;
    std::vector<std::unique_ptr<Adapter>> instances;
    for (std::size_t i = 0; i < kInstances; ++i)
      instances.push_back(make_adapter(options.framework));
    for (auto& instance : instances) instance->start();
    const std::uint64_t heap_before = adapter->heap_in_use_bytes();
    const std::uint64_t rss_before = current_rss_bytes();
    for (auto& instance : instances) instance->prepare(*c.scenario, c.config);
    const std::uint64_t heap_after = adapter->heap_in_use_bytes();
    const std::uint64_t rss_after = current_rss_bytes();
    for (auto& instance : instances) instance->teardown();
    const double agents = static_cast<double>(kInstances * c.input.agents.size());
    auto growth = [&](std::uint64_t before, std::uint64_t after) {
      return after > before ? static_cast<double>(after - before) / agents : 0.0;
    };
    return per_agent_cache[&c] = {growth(heap_before, heap_after), growth(rss_before, rss_after)};
  }

  // Framework start (measured by start()) + the first prepare + the first run, once per
  // process: the latency a user's first request pays.
  void run_cold_start(benchmark::State& state, const Case& c) {
    std::chrono::nanoseconds first_prepare{0}, first_run{0};
    Outcome outcome;
    for (auto _ : state) {
      try {
        auto t0 = Clock::now();
        prepared(c);
        first_prepare = Clock::now() - t0;
        t0 = Clock::now();
        outcome = adapter->run(c.input);
        first_run = Clock::now() - t0;
      } catch (const std::exception& error) {
        return fail(state, c, std::string("cold start failed: ") + error.what());
      }
      state.SetIterationTime(
          std::chrono::duration<double>(start.total() + first_prepare + first_run).count());
    }
    if (const std::string why = check_outcome(outcome, c.input); !why.empty()) {
      return fail(state, c, why);
    }
    Totals totals;
    totals.add(outcome);
    report(state, totals, start.total() + first_prepare + first_run, bench::alloc_snapshot(),
           outcome.output_hash);
    state.counters["interpreter_ns"] = static_cast<double>(start.interpreter.count());
    state.counters["import_ns"] = static_cast<double>(start.import.count());
    state.counters["first_prepare_ns"] = static_cast<double>(first_prepare.count());
    state.counters["first_run_ns"] = static_cast<double>(first_run.count());
    state.counters["rss_after_start_bytes"] = static_cast<double>(start.rss_after);
    state.counters["rss_start_growth_bytes"] =
        start.rss_after > start.rss_before ? static_cast<double>(start.rss_after - start.rss_before)
                                           : 0.0;
  }

  void body(benchmark::State& state, const Case& c, const std::string& regime) {
    if (!c.support.supported) return fail(state, c, "unsupported: " + c.support.reason);
    if (regime == "cold_start") return run_cold_start(state, c);
    if (regime == "construction") return run_construction(state, c);
    Adapter* a = nullptr;
    try {
      a = &prepared(c);
    } catch (const std::exception& error) {
      return fail(state, c, std::string("prepare failed: ") + error.what());
    }
    run_hot(state, *a, c);
  }
};

ScenarioBench::ScenarioBench(std::vector<Scenario> catalog, BenchOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->catalog = std::move(catalog);
  impl_->options = std::move(options);
  impl_->adapter = make_adapter(impl_->options.framework);
  impl_->constructing = make_adapter(impl_->options.framework);
}

ScenarioBench::~ScenarioBench() {
  if (impl_->adapter) impl_->adapter->teardown();
}

std::size_t ScenarioBench::failures() const {
  return impl_->failures.load();
}
const Adapter& ScenarioBench::adapter() const {
  return *impl_->adapter;
}

void ScenarioBench::start() {
  const std::uint64_t rss_before = current_rss_bytes();
  impl_->start = impl_->adapter->start();
  if (impl_->start.rss_after == 0) {  // a native adapter: nothing to start, the process is all
    impl_->start.rss_before = rss_before;
    impl_->start.rss_after = current_rss_bytes();
  }
  impl_->constructing->start();
}

std::vector<std::string> ScenarioBench::register_all() {
  Impl& impl = *impl_;
  std::vector<std::string> names;
  auto add = [&](const Case& c, const std::string& regime) {
    const std::string name = c.name + "/" + regime;
    auto* b = benchmark::RegisterBenchmark(
        name.c_str(),
        [&impl, &c, regime](benchmark::State& state) { impl.body(state, c, regime); });
    if (regime == "cold_start") {
      // One sample per process: the process is the replicate (docs/harness.md).
      b->Iterations(1)->Repetitions(1)->UseManualTime();
    } else {
      b->UseRealTime();
    }
    b->Unit(benchmark::kMicrosecond);
    names.push_back(c.support.supported ? name
                                        : name + "  (unsupported: " + c.support.reason + ")");
  };
  for (const Scenario& scenario : impl.catalog) {
    if (scenario.id != kColdStartScenario) continue;
    Case& c = impl.cases.emplace_back();
    c.scenario = &scenario;
    c.config = impl.options.config;
    c.config.parameters = parameter_grid(scenario, true).front();
    c.input = instantiate(scenario, c.config.parameters, c.config.seed);
    c.support = impl.adapter->support(scenario);
    c.name = scenario.id;
    add(c, "cold_start");
  }
  for (const Scenario& scenario : impl.catalog) {
    for (const Bindings& bindings : parameter_grid(scenario, impl.options.smoke)) {
      Case& c = impl.cases.emplace_back();
      c.scenario = &scenario;
      c.config = impl.options.config;
      c.config.parameters = bindings;
      c.input = instantiate(scenario, bindings, c.config.seed);
      c.support = impl.adapter->support(scenario);
      c.name = scenario.id;
      for (const Parameter& p : scenario.parameters) {
        c.name += "/" + p.name + "=" + std::to_string(bindings.at(p.name));
      }
      add(c, "construction");
      add(c, scenario.pattern == Pattern::kConcurrent ? "concurrency" : "hot");
    }
  }
  if (impl.options.empty_adapter) {
    impl.empty_case.name = "harness/empty_adapter";
    const std::string name = "harness/empty_adapter/hot";
    benchmark::RegisterBenchmark(
        name.c_str(),
        [&impl](benchmark::State& state) { impl.run_hot(state, impl.empty, impl.empty_case); })
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    names.push_back(name);
  }
  return names;
}

}  // namespace legion::harness
