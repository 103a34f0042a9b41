// legion-compare: every framework's legion-bench results against a baseline.
// Exit status: 0 success (also when the A/A gate says `disturbed`: the summary's first lines
// and comparison.json's summary.aa_gate say so; scripts/bench decides what to do with it);
// 2 bad input or usage (one line on stderr naming the problem).

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "compare/comparison.hpp"
#include "compare/input_error.hpp"
#include "compare/report.hpp"
#include "compare/run_file.hpp"
#include "stats/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "legion-compare: pairs the same benchmarks across frameworks' legion-bench JSON files "
      "(one file = one process; a framework needs >= 2) and compares each framework with the "
      "baseline: ratio of geometric means of the process means with Banerjee's interval on the "
      "logs, simultaneous per framework (Bonferroni), the verdict read off the interval, the "
      "minimum detectable ratio, the A/A gate, geometric means per regime; under a latency "
      "model the coordination overhead over the critical path; the project brief's criteria"};
  std::vector<std::string> files;
  std::string json_file;
  std::string format;
  legion::compare::Options options;
  app.add_option("FILE", files, "legion-bench JSON output files")->required();
  app.add_option("--baseline", options.baseline, "the framework ratios refer to (default legion)");
  app.add_option("--json", json_file, "also write the full comparison as JSON to this file");
  app.add_option("--format", format,
                 "stdout: summary (<= 100 columns), full (the wide table), markdown, or criteria "
                 "(the project brief's criteria alone); default the summary, then the full "
                 "table")
      ->check(CLI::IsMember({"summary", "full", "markdown", "criteria"}));
  app.add_option("--alpha", options.stats.alpha,
                 "family-wise error rate per framework (default 0.05): all of a framework's "
                 "intervals hold together with probability >= 1 - alpha")
      ->check(CLI::Range(1e-6, 0.49));
  app.add_option("--looks", options.stats.looks,
                 "sequential analyses an adaptive driver plans over the run (default 1): each "
                 "uses alpha / looks")
      ->check(CLI::Range(1, 1000));
  app.add_option("--equivalence", options.stats.equivalence_margin,
                 "equivalence margin: `equivalent` when the interval lies inside "
                 "[1/(1+m), 1+m]; 0.2 = within 20% (default; 0 disables)")
      ->check(CLI::Range(0.0, 10.0));
  app.add_option("--precision", options.stats.precision,
                 "relative CI half-width at or under which a row is `precise` (default 0.10)")
      ->check(CLI::Range(1e-6, 10.0));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // An unknown option is named (CLI11 may report the missing FILE first).
    for (const auto& word : app.remaining()) {
      if (word.starts_with("-")) {
        std::cerr << "legion-compare: unknown option '" << word << "' (see --help)\n";
        return 2;
      }
    }
    std::cerr << "legion-compare: " << e.what() << " (see --help)\n";
    return 2;
  }
  try {
    std::vector<legion::compare::ProcessRun> runs;
    for (const auto& f : files) runs.push_back(legion::compare::read_process_run(f));
    const auto comparison = legion::compare::compare_frameworks(runs, options);
    if (!json_file.empty()) {
      std::ofstream out(json_file);
      out << legion::compare::to_json(comparison).dump(2) << '\n';
      if (!out) throw legion::compare::InputError(json_file + ": cannot write");
    }
    if (format == "summary" || format.empty())
      legion::compare::print_summary(std::cout, comparison);
    if (format.empty()) std::cout << '\n';
    if (format == "full" || format.empty()) legion::compare::print_full(std::cout, comparison);
    if (format == "markdown") legion::compare::print_markdown(std::cout, comparison);
    if (format == "criteria") legion::compare::print_criteria(std::cout, comparison);
    return 0;
  } catch (const legion::compare::InputError& e) {
    std::cerr << "legion-compare: " << e.what() << '\n';
  } catch (const stats::StatsError& e) {
    std::cerr << "legion-compare: " << e.what() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "legion-compare: internal error: " << e.what() << '\n';
  }
  return 2;
}
