// legion-stats: statistics over Google Benchmark results (summary, compare, check).
// Exit status: 0 success (an inconclusive target included: it is printed); 1 a `check` target
// missed (its interval's lower bound is over the limit); 2 bad input or usage.

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "stats/compare.hpp"
#include "stats/error.hpp"
#include "stats/gbench_json.hpp"
#include "stats/report_json.hpp"
#include "stats/table.hpp"
#include "stats/targets.hpp"

namespace {

using nlohmann::json;
using stats::text::Table;

struct Settings {
  std::string format = "table";
  std::string metric = "real_time";
  double level = 0.95;
  double alpha = 0.05;
  double equivalence = 0.2;
};

bool is_time(const std::string& metric) {
  return metric == "real_time" || metric == "cpu_time";
}

stats::CompareOptions compare_options(const Settings& s) {
  stats::CompareOptions o;
  o.alpha = s.alpha;
  o.equivalence_margin = s.equivalence;
  o.lower_is_better = is_time(s.metric);
  o.replicates = "repetitions";
  return o;
}

std::string level_label(double level) {
  return stats::text::number(level * 100.0) + "% CI";
}

int run_summary(const Settings& s, const std::string& file) {
  const auto series = stats::read_benchmark_file(file, s.metric);
  std::vector<stats::BenchmarkSummary> rows;
  for (const auto& one : series) rows.push_back(stats::summarize_series(one, s.level));
  if (s.format == "json") {
    json out = {
        {"file", file}, {"metric", s.metric}, {"level", s.level}, {"benchmarks", json::array()}};
    for (const auto& r : rows) {
      out["benchmarks"].push_back({{"name", r.name},
                                   {"unit", r.unit},
                                   {"n", r.stats.n},
                                   {"mean", r.stats.mean},
                                   {"stddev", stats::number_json(r.stats.stddev)},
                                   {"median", r.stats.median},
                                   {"min", r.stats.min},
                                   {"max", r.stats.max},
                                   {"ci", stats::interval_json(r.mean_interval)},
                                   {"outliers",
                                    {{"low_severe", r.outliers.low_severe},
                                     {"low_mild", r.outliers.low_mild},
                                     {"high_mild", r.outliers.high_mild},
                                     {"high_severe", r.outliers.high_severe}}}});
    }
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  const std::string unit = rows.front().unit.empty() ? "" : " (" + rows.front().unit + ")";
  Table t({"benchmark", "n", "mean" + unit, "sd", "median", level_label(s.level) + " of mean",
           "outliers ls/lm/hm/hs"});
  for (const auto& r : rows) {
    const auto& o = r.outliers;
    t.add({r.name, std::to_string(r.stats.n), stats::text::number(r.stats.mean),
           stats::text::number(r.stats.stddev), stats::text::number(r.stats.median),
           stats::text::interval(r.mean_interval),
           std::to_string(o.low_severe) + "/" + std::to_string(o.low_mild) + "/" +
               std::to_string(o.high_mild) + "/" + std::to_string(o.high_severe)});
  }
  std::cout << "metric: " << (rows.front().unit.empty() && is_time(s.metric) ? "value" : s.metric)
            << unit << ", file: " << file << '\n';
  t.print(std::cout);
  return 0;
}

int run_compare(const Settings& s, const std::string& file_a, const std::string& file_b) {
  const auto a = stats::read_benchmark_file(file_a, s.metric);
  const auto b = stats::read_benchmark_file(file_b, s.metric);
  const auto options = compare_options(s);
  const auto report = stats::compare_runs(a, b, options);
  const double level = stats::family_level(report.pairs.size(), options);
  if (s.format == "json") {
    json out = {{"a", file_a},
                {"b", file_b},
                {"metric", s.metric},
                {"alpha", s.alpha},
                {"level", level},
                {"equivalence_margin", s.equivalence},
                {"pairs", json::array()},
                {"only_in_a", report.only_in_a},
                {"only_in_b", report.only_in_b}};
    for (const auto& c : report.pairs) {
      out["pairs"].push_back(stats::pair_json(c));
    }
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  const std::string unit = is_time(s.metric) ? " (ns)" : "";
  Table t({"benchmark", "n A/B", "mean A" + unit, "mean B", "B/A",
           stats::text::number(level * 100.0) + "% CI", "verdict", "mde", "Welch p (Holm)",
           "MW p (Holm)", "Hedges g", "Cliff d"});
  std::vector<std::string> notes;
  for (const auto& c : report.pairs) {
    t.add({c.name, std::to_string(c.n_a) + "/" + std::to_string(c.n_b),
           stats::text::number(c.mean_a), stats::text::number(c.mean_b),
           stats::text::number(c.ratio), stats::text::interval(c.ratio_interval), c.verdict_text,
           stats::text::number(c.mde),
           stats::text::p_value(c.welch_p) + " (" + stats::text::p_value(c.welch_p_holm) + ")",
           stats::text::p_value(c.mann_whitney_p) + " (" +
               stats::text::p_value(c.mann_whitney_p_holm) + ")",
           stats::text::number(c.hedges_g), stats::text::number(c.cliffs_delta)});
    for (const auto& n : c.notes) notes.push_back(c.name + ": " + n);
  }
  std::cout << "A: " << file_a << "\nB: " << file_b << "\nmetric: " << s.metric << unit
            << "; ratio = geometric mean(B) / geometric mean(A) (of means where a value is <= 0)\n"
            << "CI: Welch t on the logs (Fieller where a value is <= 0), each at "
            << stats::text::number(level * 100.0) << "% = 1 - alpha / " << report.pairs.size()
            << " (Bonferroni over the pairs: all hold together at " << (1.0 - s.alpha) * 100.0
            << "%); the verdict is read off the interval; mde = smallest ratio detected with 80% "
               "power\n"
            << "the repetitions of one file are taken as independent: with one process per file "
               "the intervals are optimistic (legion-compare replicates processes)\n";
  t.print(std::cout);
  for (const auto& n : notes) std::cout << "note: " << n << '\n';
  for (const auto& n : report.only_in_a) std::cout << "note: only in A: " << n << '\n';
  for (const auto& n : report.only_in_b) std::cout << "note: only in B: " << n << '\n';
  return 0;
}

int run_check(const Settings& s, const std::string& targets_file,
              const std::vector<std::string>& results) {
  const auto targets = stats::read_targets_file(targets_file);
  const auto checked = stats::check_targets(
      targets, std::vector<std::filesystem::path>(results.begin(), results.end()), s.level);
  std::size_t missed = 0;
  std::size_t inconclusive = 0;
  for (const auto& r : checked) {
    missed += r.outcome == stats::TargetOutcome::kMissed;
    inconclusive += r.outcome == stats::TargetOutcome::kInconclusive;
  }
  const int status = missed > 0 ? 1 : 0;
  if (s.format == "json") {
    json out = {{"targets_file", targets_file},
                // One file keeps the original spelling (a string).
                {"results", results.size() == 1 ? json(results.front()) : json(results)},
                {"level", s.level},
                {"passed", missed == 0},
                {"missed", missed},
                {"inconclusive", inconclusive},
                {"targets", json::array()}};
    for (const auto& r : checked) {
      json row = {{"benchmark", r.target.benchmark},
                  {"metric", r.target.metric},
                  {"n", r.n},
                  {"measured", r.measured},
                  {"ci", stats::interval_json(r.interval)},
                  {"result", stats::target_outcome_name(r.outcome)},
                  {"judged_on_value", r.judged_on_value}};
      if (r.target.max) row["max"] = *r.target.max;
      if (r.target.max_ratio) {
        row["max_ratio"] = *r.target.max_ratio;
        row["to"] = r.target.to;
      }
      out["targets"].push_back(std::move(row));
    }
    std::cout << out.dump(2) << '\n';
    return status;
  }
  Table t(
      {"benchmark", "metric", "n", "measured [" + level_label(s.level) + "] vs target", "result"});
  for (const auto& r : checked) {
    const std::string what =
        r.target.max ? r.target.benchmark : r.target.benchmark + " / " + r.target.to;
    const std::string target = r.target.max
                                   ? "<= " + stats::text::number(*r.target.max)
                                   : "ratio <= " + stats::text::number(*r.target.max_ratio);
    t.add({what, r.target.metric, std::to_string(r.n),
           stats::text::number(r.measured) + " " + stats::text::interval(r.interval) + " vs " +
               target,
           std::string(stats::target_outcome_name(r.outcome)) +
               (r.judged_on_value ? " (n = 1: on the value)" : "")});
  }
  std::string files;
  for (const auto& r : results) files += (files.empty() ? "" : ", ") + r;
  std::cout << "targets: " << targets_file << ", results: " << files
            << " (met: the CI's upper bound is at or under the target; missed: its lower bound "
               "is over it; inconclusive: the CI contains the target)\n";
  t.print(std::cout);
  if (missed > 0) std::cout << missed << " of " << checked.size() << " targets MISSED\n";
  if (inconclusive > 0) {
    std::cout << inconclusive << " of " << checked.size()
              << " targets inconclusive: the interval contains the target (more repetitions "
                 "would settle it)\n";
  }
  if (missed == 0 && inconclusive == 0) std::cout << "all targets met\n";
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "legion-stats: summaries, comparisons and threshold checks of Google Benchmark "
      "results (JSON or CSV), with confidence intervals and significance tests"};
  app.require_subcommand(1);
  app.fallthrough();
  Settings s;
  app.add_option("--format", s.format, "output: table (default) or json (to stdout)")
      ->check(CLI::IsMember({"table", "json"}));
  app.add_option("--metric", s.metric,
                 "real_time (default), cpu_time (both in ns) or a user counter name");
  app.add_option("--level", s.level,
                 "confidence level of summary and check intervals (default 0.95; compare: "
                 "1 - alpha / pairs)")
      ->check(CLI::Range(0.5, 0.9999));

  std::string file;
  auto* summary =
      app.add_subcommand("summary", "per benchmark: n, mean, sd, median, t CI, outliers");
  summary->add_option("FILE", file, "Google Benchmark JSON or CSV results")->required();

  std::string file_a;
  std::string file_b;
  auto* compare = app.add_subcommand(
      "compare",
      "pair benchmarks by name: ratio B/A with Banerjee's interval on the logs at the family "
      "level (Bonferroni over the pairs), the verdict read off it, mde, Welch and Mann-Whitney "
      "p (raw and Holm), effect sizes");
  compare->add_option("A", file_a, "baseline results")->required();
  compare->add_option("B", file_b, "candidate results")->required();
  compare
      ->add_option("--alpha", s.alpha,
                   "family-wise error rate over the pairs of the run (default 0.05)")
      ->check(CLI::Range(1e-6, 0.49));
  compare
      ->add_option("--equivalence", s.equivalence,
                   "equivalence margin: `equivalent` when the CI lies within it, 0.2 = within "
                   "20% (0 disables)")
      ->check(CLI::Range(0.0, 10.0));

  std::string targets;
  std::vector<std::string> results;
  auto* check = app.add_subcommand(
      "check", "check results against targets by interval: met, missed (exit 1) or inconclusive");
  check->add_option("--targets", targets, "targets JSON file")->required();
  check->add_option("RESULTS", results, "Google Benchmark JSON or CSV results (one or more)")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 reports an unknown subcommand as a missing one; name the word instead.
    const auto rest = app.remaining();
    if (app.get_subcommands().empty() && !rest.empty() && rest.front().starts_with("-")) {
      std::cerr << "legion-stats: unknown option '" << rest.front() << "' (see --help)\n";
    } else if (app.get_subcommands().empty() && !rest.empty()) {
      std::cerr << "legion-stats: unknown subcommand '" << rest.front()
                << "' (expected summary, compare or check; see --help)\n";
    } else {
      std::cerr << "legion-stats: " << e.what() << " (see --help)\n";
    }
    return 2;
  }

  try {
    if (summary->parsed()) return run_summary(s, file);
    if (compare->parsed()) return run_compare(s, file_a, file_b);
    return run_check(s, targets, results);
  } catch (const stats::StatsError& e) {
    std::cerr << "legion-stats: " << e.what() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "legion-stats: internal error: " << e.what() << '\n';
  }
  return 2;
}
