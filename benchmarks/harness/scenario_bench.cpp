#include "scenario_bench.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <optional>

#include "alloc_counter.hpp"
#include "bench_names.hpp"
#include "calibration_adapter.hpp"
#include "critical_path.hpp"
#include "empty_adapter.hpp"
#include "environment_context.hpp"
#include "iteration_times.hpp"
#include "legion/message.hpp"
#include "legion/simulated_model.hpp"
#include "registry.hpp"
#include "resources.hpp"
#include "validation.hpp"

namespace legion::harness {
namespace {

using Clock = std::chrono::steady_clock;
namespace counter = bench::counter;

struct Case {
  const Scenario* scenario = nullptr;
  RunConfig config;
  ScenarioInput input;
  Support support;
  std::string name;
  bool per_iteration_times = true;  // false for the ~ns harness row, where a stamp is the cost
};

struct Totals {
  std::uint64_t model_calls = 0, tool_calls = 0, prompt_tokens = 0, completion_tokens = 0;
  std::chrono::nanoseconds model_time{0};
  std::map<std::string, double> metrics;  // the adapter's own figures, summed over runs
  void add(const Outcome& o) {
    model_calls += o.model_calls;
    tool_calls += o.tool_calls;
    prompt_tokens += o.prompt_tokens;
    completion_tokens += o.completion_tokens;
    model_time += o.model_time;
    for (const auto& [name, value] : o.metrics) metrics[name] += value;
  }
};

// Bytes per prepared agent (memory_per_agent).
struct PerAgent {
  double heap = 0.0, rss = 0.0;
};

// What a regime measured besides the totals: wall and process CPU over the timed part, and the
// percentiles of the per-iteration times where the regime took them.
struct Timed {
  std::chrono::nanoseconds wall{0};
  double cpu_ns = 0.0;
  std::optional<IterationTimes::Percentiles> per_iteration;
};

// Per-iteration averages, plain counters (not rates), the same set for every benchmark.
void report(benchmark::State& state, const Totals& t, const Timed& timed,
            const bench::AllocSnapshot& before, std::uint64_t hash) {
  const double n = static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  const bench::AllocSnapshot after = bench::alloc_snapshot();
  const std::chrono::nanoseconds wall = timed.wall;
  state.counters[counter::kModelCalls] = static_cast<double>(t.model_calls) / n;
  state.counters[counter::kToolCalls] = static_cast<double>(t.tool_calls) / n;
  state.counters[counter::kPromptTokens] = static_cast<double>(t.prompt_tokens) / n;
  state.counters[counter::kCompletionTokens] = static_cast<double>(t.completion_tokens) / n;
  state.counters[counter::kModelNs] = static_cast<double>(t.model_time.count()) / n;
  state.counters[counter::kResidualNs] = static_cast<double>((wall - t.model_time).count()) / n;
  state.counters[counter::kAllocsPerOp] =
      static_cast<double>(after.allocations - before.allocations) / n;
  state.counters[counter::kRssBytes] = static_cast<double>(current_rss_bytes());
  state.counters[counter::kCpuNs] = timed.cpu_ns / n;
  if (timed.per_iteration) {
    state.counters[counter::kIterP50Ns] = timed.per_iteration->p50;
    state.counters[counter::kIterP95Ns] = timed.per_iteration->p95;
  }
  state.counters[counter::kValidated] = 1;
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
  Case empty_case, calibration_case;
  EmptyAdapter empty;
  CalibrationAdapter calibration;
  std::atomic<std::size_t> failures{0};
  StartReport start;
  std::map<const Case*, PerAgent> per_agent_cache;

  std::unique_ptr<Adapter> new_adapter() const {
    return options.make ? options.make() : make_adapter(options.framework);
  }

  void fail(benchmark::State& state, const Case& c, const std::string& why) {
    if (c.support.supported) failures.fetch_add(1);
    state.SkipWithError(why.c_str());
  }

  // Google Benchmark calls a benchmark several times while it sizes the iteration count;
  // preparing once per case keeps a scenario from being rebuilt each time.
  Adapter& prepared(const Case& c) {
    if (prepared_for != &c) {
      adapter->teardown();
      prepared_for = nullptr;
      adapter->prepare(*c.scenario, c.config);
      prepared_for = &c;
    }
    return *adapter;
  }

  // The validated outcome of each case, whichever regime produced it first in this process:
  // every later run of the case, in any regime and repetition, must reproduce its hash and
  // model calls. Google Benchmark calls a benchmark once per repetition (and while sizing the
  // iteration count); one validation per case and process is enough.
  std::map<const Case*, Outcome> references;

  const Outcome* reference_of(const Case& c) const {
    const auto it = references.find(&c);
    return it == references.end() ? nullptr : &it->second;
  }

  // Against the simulated model the exact outcome, and every repeat the same; against a real
  // model (--endpoint) only a scenario's structure (a tool called where the scenario needs one,
  // an answer). The harness rows (no scenario, no model) are fixed C++ work: exact either way.
  bool exact(const Case& c) const { return options.deterministic || c.scenario == nullptr; }
  std::string validate(const Case& c, const Outcome& outcome) const {
    return exact(c) ? check_outcome(outcome, c.input) : check_structure(outcome, c.input);
  }

  static std::string timed_structure(const Outcome& o, const ScenarioInput& input) {
    const std::string why = check_structure(o, input);
    return why.empty() ? why : "a timed run: " + why;
  }

  // Validates `first` (a run of `c`) and keeps it as the case's reference; nullptr after fail().
  const Outcome* accept_reference(benchmark::State& state, const Case& c, Outcome first) {
    if (const std::string why = validate(c, first); !why.empty()) {
      fail(state, c, why);
      return nullptr;
    }
    return &references.emplace(&c, std::move(first)).first->second;
  }

  // An untimed run that validates the case before its first timed one (and warms it up).
  template <class Run>
  const Outcome* untimed_reference(benchmark::State& state, const Case& c, const char* what,
                                   Run first_run) {
    if (const Outcome* known = reference_of(c)) return known;
    Outcome first;
    try {
      first = first_run();
    } catch (const std::exception& error) {
      fail(state, c, std::string(what) + " failed: " + error.what());
      return nullptr;
    }
    return accept_reference(state, c, std::move(first));
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
  // run does them). The hot regime validates an untimed run first, which also warms the case
  // up. The concurrency regime validates its first timed iteration instead: one iteration is
  // N runs (up to 1,024 agents, ~25 s for CrewAI), which warm each other up, and an untimed
  // copy of it doubled the cost of the heaviest rows. Either way a wrong answer is
  // SkipWithError: no time is reported for it.
  void run_hot(benchmark::State& state, Adapter& a, const Case& c, bool validate_timed) {
    const Outcome* reference = nullptr;
    if (!validate_timed || reference_of(c) != nullptr) {
      reference = untimed_reference(state, c, "run", [&] { return a.run(c.input); });
      if (reference == nullptr) return;
    }
    std::optional<Outcome> first_timed;  // the reference-to-be when validating a timed run
    Totals totals;
    std::string unstable;
    std::string error;
    IterationTimes laps(c.per_iteration_times ? static_cast<std::size_t>(state.max_iterations) : 0);
    const bench::AllocSnapshot before = bench::alloc_snapshot();
    const double cpu_start = process_cpu_ns();
    const auto start = Clock::now();
    if (c.per_iteration_times) laps.start();
    for (auto _ : state) {
      try {
        Outcome o = a.run(c.input);
        totals.add(o);
        const Outcome* against = reference ? reference : first_timed ? &*first_timed : nullptr;
        if (against == nullptr) {
          first_timed = std::move(o);
        } else if (unstable.empty()) {
          // A real model may answer each run differently: every timed run must still have
          // the scenario's structure, or the row reports no time.
          unstable = exact(c) ? check_repeat(o, *against) : timed_structure(o, c.input);
        }
      } catch (const std::exception& e) {
        error = std::string("run failed: ") + e.what();
        break;
      }
      if (c.per_iteration_times) laps.lap();
    }
    Timed timed{Clock::now() - start, process_cpu_ns() - cpu_start, std::nullopt};
    if (c.per_iteration_times) timed.per_iteration = laps.percentiles();
    if (!error.empty()) return fail(state, c, error);
    if (first_timed) {
      reference = accept_reference(state, c, std::move(*first_timed));
      if (reference == nullptr) return;
    }
    if (!unstable.empty()) return fail(state, c, unstable);
    report(state, totals, timed, before, reference->output_hash);
    // After report(): the critical path may run LEGION once (untimed), whose allocations must
    // not count in allocs_per_op; after the loop, because a concurrency row's reference is its
    // first timed iteration.
    if (c.scenario == nullptr) return;  // the harness's own adapters
    const ModelLatency* latency = latency_for(state, c, *reference);
    if (latency == nullptr) return;
    state.counters[counter::kCriticalPathModelNs] =
        static_cast<double>(latency->critical_path.count());
    state.counters[counter::kModelLatencyNs] = static_cast<double>(latency->sum.count());
  }

  // prepare() alone per iteration; teardown runs with the timer paused. The case's reference
  // normally comes from its hot or concurrency regime, registered before this one; alone (a
  // filter), the regime validates an untimed prepare + run of its own.
  void run_construction(benchmark::State& state, const Case& c) {
    const Outcome* reference = untimed_reference(state, c, "prepare/run", [&] {
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

    Timed timed;
    std::vector<double> builds;
    builds.reserve(static_cast<std::size_t>(
        std::min<benchmark::IterationCount>(state.max_iterations, IterationTimes::kMaxLaps)));
    const bench::AllocSnapshot before = bench::alloc_snapshot();
    for (auto _ : state) {
      const double cpu_start = process_cpu_ns();
      const auto start = Clock::now();
      constructing->prepare(*c.scenario, c.config);
      const auto took = Clock::now() - start;
      timed.cpu_ns += process_cpu_ns() - cpu_start;
      timed.wall += took;
      if (builds.size() < IterationTimes::kMaxLaps) {
        builds.push_back(static_cast<double>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(took).count()));
      }
      state.PauseTiming();
      constructing->teardown();
      state.ResumeTiming();
    }
    timed.per_iteration = percentiles_of(std::move(builds));
    report(state, Totals{}, timed, before, reference->output_hash);
    if (per_agent_measured) {
      state.counters[counter::kHeapPerAgentBytes] = per_agent.heap;
      state.counters[counter::kRssPerAgentBytes] = per_agent.rss;
    }
  }

  // Memory a prepared agent holds, from kInstances extra instances kept alive at once, per
  // agent: the growth of live heap bytes (Adapter::heap_in_use_bytes: exact, whatever pages
  // the allocators reuse) and of RSS (what the OS sees: 4 KiB pages, and 0 when freed pages
  // are reused, so a lower bound). Once per case and process; scenarios with a corpus are left
  // out: the corpus, shared by every instance, is not the agents' memory.
  PerAgent memory_per_agent(const Case& c) {
    if (const auto it = per_agent_cache.find(&c); it != per_agent_cache.end()) return it->second;
    constexpr std::size_t kInstances = 32;
    std::vector<std::unique_ptr<Adapter>> instances;
    for (std::size_t i = 0; i < kInstances; ++i) instances.push_back(new_adapter());
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
  // process: the latency a user's first request pays. cpu_ns: the process's CPU time from its
  // start to the end of the first run (all threads), less the start-up calibration loop.
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
    const double cpu = process_cpu_ns() - options.cpu_ns_not_cold_start;
    if (const std::string why = validate(c, outcome); !why.empty()) {
      return fail(state, c, why);
    }
    Totals totals;
    totals.add(outcome);
    report(state, totals, Timed{start.total() + first_prepare + first_run, cpu, std::nullopt},
           bench::alloc_snapshot(), outcome.output_hash);
    state.counters[counter::kInterpreterNs] = static_cast<double>(start.interpreter.count());
    state.counters[counter::kImportNs] = static_cast<double>(start.import.count());
    state.counters[counter::kFirstPrepareNs] = static_cast<double>(first_prepare.count());
    state.counters[counter::kFirstRunNs] = static_cast<double>(first_run.count());
    state.counters[counter::kRssAfterStartBytes] = static_cast<double>(start.rss_after);
    state.counters[counter::kRssStartGrowthBytes] =
        start.rss_after > start.rss_before ? static_cast<double>(start.rss_after - start.rss_before)
                                           : 0.0;
  }

  void body(benchmark::State& state, const Case& c, const std::string& regime) {
    if (!c.support.supported) return fail(state, c, bench::unsupported(c.support.reason));
    if (regime == bench::kColdStart) return run_cold_start(state, c);
    if (regime == bench::kConstruction) return run_construction(state, c);
    Adapter* a = nullptr;
    try {
      a = &prepared(c);
    } catch (const std::exception& error) {
      return fail(state, c, std::string("prepare failed: ") + error.what());
    }
    run_hot(state, *a, c, regime == bench::kConcurrency);
  }
};

ScenarioBench::ScenarioBench(std::vector<Scenario> catalog, BenchOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->catalog = std::move(catalog);
  impl_->options = std::move(options);
  impl_->adapter = impl_->new_adapter();
  impl_->constructing = impl_->new_adapter();
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
    if (regime == bench::kColdStart) {
      // One sample per process: the process is the replicate (docs/harness.md).
      b->Iterations(1)->Repetitions(1)->UseManualTime();
    } else {
      b->UseRealTime();
    }
    b->Unit(benchmark::kMicrosecond);
    names.push_back(
        c.support.supported ? name : name + "  (" + bench::unsupported(c.support.reason) + ")");
  };
  for (const Scenario& scenario : impl.catalog) {
    if (scenario.id != bench::kColdStartCase) continue;
    Case& c = impl.cases.emplace_back();
    c.scenario = &scenario;
    c.config = impl.options.config;
    c.config.parameters = parameter_grid(scenario, true).front();
    c.input = instantiate(scenario, c.config.parameters, c.config.seed);
    c.support = impl.adapter->support(scenario);
    c.name = scenario.id;
    add(c, bench::kColdStart);
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
      // The run regime first: it validates the case, and construction reuses that reference.
      add(c, scenario.pattern == Pattern::kConcurrent ? bench::kConcurrency : bench::kHot);
      add(c, bench::kConstruction);
    }
  }
  // The harness rows: the same C++ code in every framework's process (A/A controls).
  auto add_harness = [&](Case& c, Adapter& a, const char* name) {
    c.name = name;
    benchmark::RegisterBenchmark(
        (c.name + "/" + bench::kHot).c_str(),
        [&impl, &c, &a](benchmark::State& state) { impl.run_hot(state, a, c, false); })
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    names.push_back(c.name + "/" + bench::kHot);
  };
  if (impl.options.empty_adapter) {
    impl.empty_case.per_iteration_times = false;
    add_harness(impl.empty_case, impl.empty, bench::kEmptyAdapterCase);
  }
  if (impl.options.calibration) {
    add_harness(impl.calibration_case, impl.calibration, bench::kCalibrationCase);
  }
  return names;
}

}  // namespace legion::harness
