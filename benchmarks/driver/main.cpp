// legion-driver: the adaptive run of scripts/bench (docs/harness.md). A thin main over the
// legion_driver library (namespace legion::driver). Exit status: 0 done; 1 a process failed
// validation; 2 bad input, a failed step or a budget too small for one sample of every row (one
// line on stderr); 3 the run is disturbed (A/A gate or interference) and --accept-disturbed was
// not given.
#include <CLI/CLI.hpp>
#include <iostream>

#include "driver/driver_error.hpp"
#include "driver/duration.hpp"
#include "driver/launcher.hpp"
#include "driver/run_driver.hpp"

int main(int argc, char** argv) {
  using namespace legion::driver;
  CLI::App app{
      "legion-driver: runs every framework's legion-bench as processes in a seeded interleaved "
      "order within a time budget, replicating where the intervals are widest, and compares "
      "them with legion-compare"};
  DriverOptions o;
  for (int i = 0; i < argc; ++i) o.command_line.emplace_back(argv[i]);
  std::string budget = "10m", bin, out, python;
  int processes = 0;
  app.add_option("--bin", bin, "directory of legion-bench and legion-compare")->required();
  app.add_option("--out", out, "the run directory to write")->required();
  app.add_option("--framework", o.frameworks,
                 "framework to run (repeatable; default: every "
                 "installed one; the baseline is always added)");
  app.add_option("--baseline", o.baseline, "the framework ratios refer to (default legion)");
  app.add_option("--scenario", o.scenario, "legion-bench --scenario REGEX");
  app.add_option("--model-latency", o.model_latency, "legion-bench --model-latency SPEC");
  app.add_option("--transport", o.transport,
                 "legion-bench --transport: inproc (default) or http (every framework through its "
                 "own OpenAI client and legion-simserver; compared against BASELINE@http)")
      ->check(CLI::IsMember({"inproc", "http"}));
  app.add_option("--seed", o.seed, "seed of the scenarios and of the process order (default 42)");
  app.add_option("--budget", budget, "time for the whole run, e.g. 10m, 90s (default 10m)");
  app.add_option("--precision", o.precision,
                 "relative CI half-width at which a row needs no more processes (default 0.10)")
      ->check(CLI::Range(0.001, 10.0));
  app.add_option("--looks", o.looks, "comparisons planned over the run (default 4)")
      ->check(CLI::Range(1, 100));
  app.add_option("--cold-starts", o.cold_starts, "cold-start samples per framework (default 10)")
      ->check(CLI::Range(2, 1000));
  app.add_option("--repetitions", o.repetitions, "repetitions per row and process (default 1)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--min-time", o.min_time_s, "seconds per repetition (default 0.05)")
      ->check(CLI::Range(0.0001, 100.0));
  app.add_flag("--smoke", o.smoke, "every scenario once, 2 processes each: proves the pipeline");
  app.add_option("--processes", processes,
                 "N full processes per framework, no replication, no budget")
      ->check(CLI::Range(2, 1000));
  app.add_flag("--accept-disturbed", o.accept_disturbed,
               "exit 0 even when the A/A gate or the interference checks flag the run");
  app.add_option("--python", python, "CPython for the calibration loop");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "legion-driver: " << e.what() << " (see --help)\n";
    return 2;
  }
  const auto seconds = parse_duration(budget);
  if (!seconds || *seconds <= 0) {
    std::cerr << "legion-driver: --budget '" << budget << "' is not a duration (e.g. 10m, 90s)\n";
    return 2;
  }
  o.budget_s = *seconds;
  o.bin_dir = bin;
  o.out_dir = out;
  o.python = python;
  if (processes > 0) o.fixed_processes = processes;
  try {
    ProcessLauncher launcher;
    return run_driver(o, launcher, std::cout, std::cerr);
  } catch (const DriverError& e) {
    std::cerr << "legion-driver: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "legion-driver: internal error: " << e.what() << "\n";
  }
  return 2;
}
