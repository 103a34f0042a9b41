// legion-bench: one framework per process. Times the calibration loop, parses its own flags,
// loads the scenario catalog, registers scenarios x parameters x regimes, then hands the rest
// of the command line to Google Benchmark. Exit status: 0 all good, 1 a supported benchmark
// failed validation, 2 bad input (flags, framework, scenario filter, spec, latency).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <iostream>
#include <regex>

#include "bench_names.hpp"
#include "calibration.hpp"
#include "code_runner.hpp"
#include "context_reporter.hpp"
#include "environment_context.hpp"
#include "flags.hpp"
#include "http_transport.hpp"
#include "iteration_times.hpp"
#include "legion/error.hpp"
#include "legion/latency.hpp"
#include "legion/sandbox.hpp"
#include "machine.hpp"
#include "registry.hpp"
#include "scenario_bench.hpp"

namespace {

int usage_error(const std::string& message) {
  std::cerr << "legion-bench: " << message << "\n";
  return 2;
}

// The value of the last `--flag=value` among Google Benchmark's flags, or `fallback`.
std::string gbench_flag(const std::vector<std::string>& args, const std::string& flag,
                        const std::string& fallback) {
  std::string value = fallback;
  for (const std::string& arg : args) {
    if (arg.rfind(flag + "=", 0) == 0) value = arg.substr(flag.size() + 1);
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace legion::harness;
  // First, before the framework or anything else warms the machine's state: the fixed loop's
  // time is this process's calibration figure (docs/harness.md).
  const double calibration_cpu_start = process_cpu_ns();
  const double calibration_ns = legion::bench::measure_calibration_ns();
  const double calibration_cpu = process_cpu_ns() - calibration_cpu_start;
  HarnessFlags flags;
  BenchOptions options;
  std::vector<Scenario> catalog;
  std::unique_ptr<SimServerProcess> server;  // --transport=http: outlives every adapter
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
      options.empty_adapter = std::regex_search(legion::bench::kEmptyAdapterCase, filter);
      // The A/A control stays whatever the filter: the A/A gate judges every process by it
      // (--benchmark_filter can still leave it out).
      if (catalog.empty() && !options.empty_adapter &&
          !std::regex_search(legion::bench::kCalibrationCase, filter)) {
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
        endpoint.timeout = std::chrono::seconds(flags.request_timeout_s);
        endpoint.max_tokens = flags.max_tokens;
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

  options.cpu_ns_not_cold_start = calibration_cpu;
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

  const legion::adapters::Adapter& adapter = bench.adapter();
  benchmark::AddCustomContext("framework", adapter.name());
  benchmark::AddCustomContext("framework_version", adapter.version());
  benchmark::AddCustomContext("seed", std::to_string(flags.seed));
  benchmark::AddCustomContext("model_latency", options.config.latency.spec());
  benchmark::AddCustomContext("smoke", flags.smoke ? "true" : "false");
  benchmark::AddCustomContext("transport", flags.transport);
  if (server) {
    benchmark::AddCustomContext(
        "model_server",
        flags.endpoint.empty()
            ? "legion-simserver (child process) at " + server->base_url()
            : flags.endpoint + " through legion-simserver's metering proxy at " +
                  server->base_url() + ", model " + flags.model + ", max_tokens " +
                  (flags.max_tokens > 0 ? std::to_string(flags.max_tokens) : std::string("none")) +
                  ", request timeout " + std::to_string(flags.request_timeout_s) + " s");
  }
  benchmark::AddCustomContext("deterministic",
                              options.deterministic
                                  ? "true"
                                  : "false: a real model; outcomes checked for structure only, and "
                                    "hashes and model calls may differ between runs");
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
  // The JSON outputs carry the machine fingerprint and the calibration figure in `context`.
  nlohmann::ordered_json members;
  members["machine"] = legion::bench::to_json(legion::bench::read_machine());
  members["calibration_cpp_ns"] = calibration_ns;
  ContextJsonReporter file_json(members), display_json(members);
  const bool file_is_json =
      !gbench_flag(flags.passthrough, "--benchmark_out", "").empty() &&
      gbench_flag(flags.passthrough, "--benchmark_out_format", "json") == "json";
  const bool display_is_json =
      gbench_flag(flags.passthrough, "--benchmark_format", "console") == "json";
  benchmark::RunSpecifiedBenchmarks(display_is_json ? &display_json : nullptr,
                                    file_is_json ? &file_json : nullptr);
  benchmark::Shutdown();
  if (file_json.failed() || display_json.failed()) {
    std::cerr << "legion-bench: cannot add the machine fingerprint to the JSON context (Google "
                 "Benchmark's output is not shaped as version 1.7 writes it); nothing was run\n";
    return 2;
  }
  if (bench.failures() > 0) {
    std::cerr << "legion-bench: " << bench.failures()
              << " run(s) of supported benchmarks failed validation (see the errors above)\n";
    return 1;
  }
  return 0;
}
