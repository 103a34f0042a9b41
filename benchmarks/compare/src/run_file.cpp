#include "compare/run_file.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "bench_names.hpp"
#include "compare/input_error.hpp"
#include "stats/error.hpp"
#include "stats/gbench_json.hpp"
#include "stats/json_input.hpp"

namespace legion::compare {

namespace {

[[noreturn]] void bad(std::string_view source, const std::string& problem) {
  throw InputError(std::string(source) + ": " + problem);
}

std::string string_field(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The keys Google Benchmark writes itself; every other numeric key of an entry is a user
// counter (GB flattens State::counters into the entry).
bool is_gbench_field(std::string_view key) {
  static constexpr std::string_view kFields[] = {"family_index",     "per_family_instance_index",
                                                 "repetitions",      "repetition_index",
                                                 "threads",          "iterations",
                                                 "real_time",        "cpu_time",
                                                 "bytes_per_second", "items_per_second"};
  return std::find(std::begin(kFields), std::end(kFields), key) != std::end(kFields);
}

// Groups entries by name, keeping the order of first appearance.
class Benchmarks {
 public:
  BenchmarkRun& at(const std::string& name) {
    auto [it, inserted] = index_.try_emplace(name, runs_.size());
    if (inserted) {
      runs_.emplace_back();
      runs_.back().name = name;
    }
    return runs_[it->second];
  }
  std::vector<BenchmarkRun> take() { return std::move(runs_); }

 private:
  std::map<std::string, std::size_t> index_;
  std::vector<BenchmarkRun> runs_;
};

void add_repetition(BenchmarkRun& run, const nlohmann::json& entry, std::string_view source) {
  if (entry.value("error_occurred", false)) {
    if (!run.error) {
      const std::string message = string_field(entry, "error_message");
      run.error = message.empty() ? "error without a message" : message;
    }
    return;
  }
  const auto time = entry.find("real_time");
  if (time == entry.end() || !time->is_number()) {
    bad(source, "benchmark '" + run.name + "' has no numeric \"real_time\"");
  }
  const std::string unit = entry.contains("time_unit") ? string_field(entry, "time_unit") : "ns";
  double ns = 0.0;
  try {
    ns = time->get<double>() * stats::ns_per_time_unit(unit, source);
  } catch (const stats::StatsError& e) {
    throw InputError(e.what());
  }
  if (!std::isfinite(ns)) bad(source, "benchmark '" + run.name + "' has a non-finite time");
  run.times_ns.push_back(ns);
  for (const auto& [key, value] : entry.items()) {
    if (!value.is_number() || is_gbench_field(key)) continue;
    // A file from before a counter's rename (bench_names.hpp) is read under today's name; an
    // entry carrying both names keeps the current one.
    const std::string_view name = bench::current_counter_name(key);
    if (name != key && entry.contains(std::string(name))) continue;
    run.counters[std::string(name)].push_back(value.get<double>());
  }
  const std::string label = string_field(entry, "label");
  if (!label.empty() && std::find(run.labels.begin(), run.labels.end(), label) == run.labels.end())
    run.labels.push_back(label);
}

}  // namespace

ProcessRun parse_process_run(std::string_view text, std::string_view source) {
  nlohmann::json doc;
  try {
    // GB prints NaN bare; the nesting limit keeps a hostile file from overflowing the stack.
    doc = stats::parse_json_input(stats::null_non_finite_literals(text), source);
  } catch (const stats::StatsError& e) {
    throw InputError(e.what());
  }
  if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array()) {
    bad(source, "not Google Benchmark JSON (no \"benchmarks\" array)");
  }
  if (!doc.contains("context") || !doc["context"].is_object()) {
    bad(source, "no \"context\" object (is it legion-bench output?)");
  }
  ProcessRun run;
  run.source = std::string(source);
  run.context = doc["context"];
  run.framework = string_field(run.context, "framework");
  if (run.framework.empty()) {
    bad(source, "context.framework is missing: not legion-bench output, or written by an old one");
  }
  // The transport is part of what is compared: the same framework over HTTP is another
  // contestant ("langchain@http"), so its in-process runs can be its baseline.
  if (string_field(run.context, "transport") == "http") run.framework += kHttpSuffix;
  run.framework_version = string_field(run.context, "framework_version");
  Benchmarks groups;
  for (const auto& entry : doc["benchmarks"]) {
    if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) {
      bad(source, "a benchmark entry has no \"name\"");
    }
    if (entry.contains("run_type") && entry["run_type"] != "iteration") continue;
    const std::string name = entry.contains("run_name") && entry["run_name"].is_string()
                                 ? entry["run_name"].get<std::string>()
                                 : entry["name"].get<std::string>();
    add_repetition(groups.at(name), entry, source);
  }
  run.benchmarks = groups.take();
  if (run.benchmarks.empty()) bad(source, "no benchmark repetitions");
  return run;
}

ProcessRun read_process_run(const std::filesystem::path& path) {
  std::string text;
  try {
    text = stats::read_input_file(path);
  } catch (const stats::StatsError& error) {
    throw InputError(error.what());
  }
  return parse_process_run(text, path.string());
}

}  // namespace legion::compare
