// legion-bench: one framework per process. Parses its own flags, loads the scenario catalog,
// registers scenarios x parameters x regimes, then hands the rest of the command line to
// Google Benchmark. Exit status: 0 all good, 1 a supported benchmark failed validation,
// 2 bad input (flags, framework, scenario filter, spec, latency).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <iostream>
#include <regex>

#include "code_runner.hpp"
#include "flags.hpp"
#include "http_transport.hpp"
#include "legion/error.hpp"
#include "legion/latency.hpp"
#include "legion/sandbox.hpp"
#include "registry.hpp"
#include "run_context.hpp"
#include "scenario_bench.hpp"

namespace {

int usage_error(const std::string& message) {
  std::cerr << "legion-bench: " << message << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace legion::harness;
  HarnessFlags flags;
  BenchOptions options;
  std::vector<Scenario> catalog;
  std::unique_ptr<SimServerProcess> server;  // --transport=http: outlives every adapter
  try {
    flags = parse_flags(argc, argv);
    if (flags.list_frameworks) {
      for (const std::string& name : adapter_names()) std::cout << name << "\n";
      return 0;
    }
    make_adapter(flags.framework);  // an unknown name fails before any work
    options.framework = flags.framework;
    options.smoke = flags.smoke;
    options.config.seed = flags.seed;
    options.config.latency = legion::LatencyModel::parse(flags.model_latency);
    catalog = load_catalog(flags.scenarios_dir.empty() ? LEGION_SCENARIO_DIR : flags.scenarios_dir);
    if (!flags.scenario.empty()) {
      const std::regex filter(flags.scenario);
      std::erase_if(catalog, [&](const Scenario& s) { return !std::regex_search(s.id, filter); });
      options.empty_adapter = std::regex_search("harness/empty_adapter", filter);
      if (catalog.empty() && !options.empty_adapter) {
        return usage_error("--scenario='" + flags.scenario + "' matches no scenario");
      }
    }
    if (flags.transport == "http") {
      // The server starts before the framework (and its threads) does: a fork from a
      // single-threaded process, and the cold start does not include it.
      SimServerOptions server_options;
      server_options.binary = sibling_executable("legion-simserver");
      server_options.seed = flags.seed;
      server_options.latency = options.config.latency.spec();
      server_options.upstream = flags.endpoint;
      server = std::make_unique<SimServerProcess>(server_options);
      Endpoint& endpoint = options.config.endpoint;
      endpoint.base_url = server->base_url();
      endpoint.model = flags.endpoint.empty() ? "legion-simulated" : flags.model;
      endpoint.api_key_env = flags.api_key_env;
      if (flags.endpoint.empty()) {
        endpoint.context_window = 1'000'000;  // the simulated model's: unbounded, as in-process
      } else {
        endpoint.timeout = std::chrono::minutes(10);  // a real model on 2 cores is slow
        options.deterministic = false;
      }
      const std::string framework = flags.framework;
      const legion::simserver::CounterBlock& counters = server->counters();
      options.make = [framework, &counters] { return metered(make_adapter(framework), counters); };
    }
  } catch (const std::regex_error& error) {
    return usage_error("--scenario='" + flags.scenario + "': invalid regex: " + error.what());
  } catch (
      const std::exception& error) {  // UsageError, ScenarioError, ConfigError, unknown framework
    return usage_error(error.what());
  }

  ScenarioBench bench(std::move(catalog), options);
  try {
    bench.start();  // a framework that is not installed fails here, before any benchmark
  } catch (const std::exception& error) {
    return usage_error(flags.framework + ": " + error.what());
  }
  const std::vector<std::string> names = bench.register_all();
  if (flags.list) {
    for (const std::string& name : names) std::cout << name << "\n";
    return 0;
  }

  const legion::harness::Adapter& adapter = bench.adapter();
  benchmark::AddCustomContext("framework", adapter.name());
  benchmark::AddCustomContext("framework_version", adapter.version());
  benchmark::AddCustomContext("seed", std::to_string(flags.seed));
  benchmark::AddCustomContext("model_latency", options.config.latency.spec());
  benchmark::AddCustomContext("smoke", flags.smoke ? "true" : "false");
  benchmark::AddCustomContext("transport", flags.transport);
  if (server) {
    benchmark::AddCustomContext(
        "model_server", flags.endpoint.empty()
                            ? "legion-simserver (child process) at " + server->base_url()
                            : flags.endpoint + " through legion-simserver's metering proxy at " +
                                  server->base_url() + ", model " + flags.model);
  }
  benchmark::AddCustomContext("deterministic",
                              options.deterministic
                                  ? "true"
                                  : "false: a real model; outcomes checked for structure only, and "
                                    "hashes and model calls may differ between runs");
  benchmark::AddCustomContext("sandbox_python", legion::find_executable(default_python()));
  benchmark::AddCustomContext("sandbox_network_isolation",
                              legion::network_isolation_available()
                                  ? "private network namespace"
                                  : "none: unshare(CLONE_NEWNET) refused, host network visible");
  for (const auto& [key, value] : environment_context()) benchmark::AddCustomContext(key, value);

  std::vector<char*> args;
  for (std::string& arg : flags.passthrough) args.push_back(arg.data());
  int count = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (bench.failures() > 0) {
    std::cerr << "legion-bench: " << bench.failures()
              << " run(s) of supported benchmarks failed validation (see the errors above)\n";
    return 1;
  }
  return 0;
}
