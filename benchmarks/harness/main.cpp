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
  try {
    flags = parse_flags(argc, argv);
    if (flags.help) {
      std::cout << usage_text();
      return 0;
    }
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
  try {
    benchmark::AddCustomContext("sandbox_python", legion::find_executable(default_python()));
  } catch (const std::exception& error) {
    return usage_error(error.what());
  }
  benchmark::AddCustomContext("sandbox_isolation", code_sandbox_description());
  benchmark::AddCustomContext("sandbox_network_isolation",
                              legion::sandbox_support().network_isolated
                                  ? "private network namespace"
                                  : "none: host network visible to the code");
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
