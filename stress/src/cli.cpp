#include "stress/cli.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <ostream>
#include <string_view>
#include <thread>

#include "faults/command.hpp"
#include "legion/error.hpp"
#include "stress/config.hpp"
#include "stress/report_hook.hpp"
#include "stress/runner.hpp"

namespace stress {
namespace {

// The scenario folders of the source tree: where `list` looks and where a bare NAME is found.
std::vector<std::string> default_folders() {
  std::vector<std::string> out;
  for (const char* folder :
       {"load_tests", "spike_tests", "endurance_tests", "scalability_tests", "failure_tests"}) {
    out.push_back(std::string(LEGION_STRESS_SOURCE_DIR) + "/tests/" + folder);
  }
  return out;
}

// A PATH that is neither a file nor a directory may name a scenario of the default folders.
std::vector<std::filesystem::path> resolve(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    if (std::filesystem::exists(p)) {
      files.push_back(p);
      continue;
    }
    bool found = false;
    for (const auto& folder : default_folders()) {
      const auto candidate = std::filesystem::path(folder) / (p + ".json");
      if (std::filesystem::is_regular_file(candidate)) {
        files.push_back(candidate.string());
        found = true;
        break;
      }
    }
    if (!found) {
      throw legion::ConfigError("unknown scenario '" + p +
                                "': no such file or directory, nor a scenario name (see "
                                "legion-stress list)");
    }
  }
  return scenario_files(files);
}

std::string self_dir() {
  std::array<char, 4096> buffer{};
  const ssize_t n = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  if (n <= 0) return ".";
  return std::filesystem::path(std::string(buffer.data(), static_cast<std::size_t>(n)))
      .parent_path()
      .string();
}

std::string git_commit() {
  if (const char* env = std::getenv("LEGION_COMMIT")) return env;
  const std::string command =
      "git -C '" + std::string(LEGION_STRESS_SOURCE_DIR) + "' rev-parse HEAD 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return "";
  std::array<char, 64> buffer{};
  std::string out;
  if (std::fgets(buffer.data(), buffer.size(), pipe)) out = buffer.data();
  pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

void write_json(const std::filesystem::path& file, const nlohmann::json& value) {
  std::ofstream out(file);
  // NaN is not JSON: dump replaces it by null.
  if (!(out << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n")) {
    throw legion::Error("cannot write " + file.string());
  }
}

// The verdicts that failed (judged = true) or were not judged (judged = false), as one line.
std::string verdict_line(const nlohmann::json& result, bool judged) {
  std::string failed;
  for (const auto& v : result["verdicts"]) {
    const bool was_judged = v.value("judged", true);
    if (judged ? v["pass"].get<bool>() : was_judged) continue;
    std::ostringstream text;
    text << v["name"].get<std::string>() << " = " << v["measured"].get<double>() << " (limit "
         << v["limit"].get<std::string>() << ")";
    if (v.contains("note")) text << ": " << v["note"].get<std::string>();
    failed += (failed.empty() ? "" : "; ") + text.str();
  }
  return failed;
}

// What the report needs to describe the run: the machine's size and load, the command.
nlohmann::json host_json() {
  std::array<double, 3> load{};
  nlohmann::json j = {{"logical_cpus", std::thread::hardware_concurrency()}};
  if (::getloadavg(load.data(), 3) == 3) j["load_avg"] = load;
  return j;
}
// A throwaway PostgreSQL (scripts/postgres) for the scenarios that ask for one when no URL was
// given: started on first use, in a directory of its own, stopped and deleted at the end.
class ThrowawayPostgres {
 public:
  std::string url() {
    if (!url_.empty()) return url_;
    char pattern[] = "/tmp/legion-stress-pg-XXXXXX";
    if (!::mkdtemp(pattern)) throw legion::Error("cannot create a directory for PostgreSQL");
    dir_ = pattern;
    const auto r = faults::run_command({"env", "LEGION_PG_DIR=" + dir_, script(), "start"});
    if (!r.ok()) {
      throw legion::Error("could not start a throwaway PostgreSQL (scripts/postgres start): " +
                          r.output);
    }
    url_ =
        r.output.substr(r.output.rfind('\n') == std::string::npos ? 0 : r.output.rfind('\n') + 1);
    return url_;
  }
  ~ThrowawayPostgres() {
    if (dir_.empty()) return;
    faults::run_command({"env", "LEGION_PG_DIR=" + dir_, script(), "stop"});
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

 private:
  static std::string script() {
    return std::string(LEGION_STRESS_SOURCE_DIR) + "/scripts/postgres";
  }
  std::string dir_, url_;
};

int command_run(const std::vector<std::string>& paths, double scale, std::uint64_t seed,
                const std::string& out_dir, const std::string& pg_url,
                const std::string& legion_bin, bool quiet, bool report,
                const std::vector<std::string>& command, std::ostream& out, std::ostream& err) {
  // Load and validate every config before running any: a typo in the last file should not
  // cost the time of the runs before it.
  std::vector<ScenarioConfig> configs;
  for (const auto& file : resolve(paths)) configs.push_back(scaled(load_config(file), scale));

  RunOptions options;
  options.time_scale = scale;
  options.seed = seed;
  options.out_dir = out_dir;
  options.pg_url = pg_url;
  if (options.pg_url.empty()) {
    if (const char* env = std::getenv("LEGION_PG_URL")) options.pg_url = env;
  }
  options.legion_bin = legion_bin.empty() ? self_dir() + "/legion" : legion_bin;
  options.commit = git_commit();
  options.progress = quiet ? nullptr : &err;
  options.progress_bar = &err == &std::cerr && ::isatty(STDERR_FILENO);
  // What is wrong with --out is said in one line, not as std::filesystem's exception text.
  std::error_code out_error;
  if (std::filesystem::exists(options.out_dir, out_error) &&
      !std::filesystem::is_directory(options.out_dir, out_error)) {
    throw legion::ConfigError("--out " + out_dir + ": not a directory");
  }
  std::filesystem::create_directories(options.out_dir, out_error);
  if (out_error) {
    throw legion::Error("--out " + out_dir + ": cannot create (" + out_error.message() + ")");
  }
  ThrowawayPostgres postgres;
  options.start_postgres = [&postgres] { return postgres.url(); };

  nlohmann::json summary = {{"time_scale", scale},
                            {"seed", seed},
                            {"commit", options.commit},
                            {"command", command},
                            {"scenarios", nlohmann::json::array()}};
  bool all = true;
  for (const auto& config : configs) {
    if (!quiet) {
      err << "[" << config.name << "] running " << config.source.string() << " ("
          << planned_duration_s(config) << " s planned)\n";
    }
    auto result = run_scenario(config, options);
    if (options.progress_bar) err << "\n";  // end the bar's line
    const auto file = options.out_dir / (config.name + ".json");
    write_json(file, result.json);
    all = all && result.pass;
    const auto& pct = result.json["percentiles"]["latency_corrected"];
    out << (result.pass ? "PASS " : "FAIL ") << config.name << ": ok " << result.json["audit"]["ok"]
        << ", lost " << result.json["audit"]["lost"] << ", error rate "
        << result.json["totals"]["error_rate"].get<double>() << ", p99 "
        << (pct.contains("p99_ms") ? pct["p99_ms"].dump() + " ms" : std::string("n/a"));
    if (result.json.contains("recovery_s")) {
      out << ", recovery " << result.json["recovery_s"].dump() << " s, detection "
          << result.json["detect_s"].dump() << " s";
    }
    out << " -> " << file.string() << "\n";
    if (!result.pass) out << "  breached: " << verdict_line(result.json, true) << "\n";
    if (auto line = verdict_line(result.json, false); !line.empty()) {
      out << "  not judged: " << line << "\n";
    }
    if (result.json.contains("worker_failure")) {
      err << "legion-stress: " << config.name << ": "
          << result.json["worker_failure"].get<std::string>() << "\n";
    }
    if (result.json.contains("errors")) {
      for (const auto& e : result.json["errors"]) {
        err << "legion-stress: " << config.name << ": " << e.get<std::string>() << "\n";
      }
    }
    summary["scenarios"].push_back({{"name", config.name},
                                    {"file", config.source.string()},
                                    {"result", file.string()},
                                    {"pass", result.pass},
                                    {"verdicts", result.json["verdicts"]}});
  }
  summary["pass"] = all;
  summary["host"] = host_json();
  write_json(options.out_dir / "summary.json", summary);
  // The verdict is decided; the report only describes it (docs/reports.md).
  if (report) write_report(report_command(), options.out_dir, quiet, err);
  return all ? 0 : 1;
}

int command_list(std::vector<std::string> paths, std::ostream& out) {
  if (paths.empty()) paths = default_folders();
  for (const auto& file : scenario_files(paths)) {
    const auto c = load_config(file);
    out << std::left << std::setw(28) << c.name << " " << std::setw(9)
        << std::string(c.raw.value("kind", "")) << " " << file.string() << "\n    " << c.description
        << "\n";
  }
  return 0;
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app("legion-stress: load, spike, endurance and scalability scenarios for LEGION");
  app.require_subcommand(1);
  auto* run = app.add_subcommand("run", "run scenario files, directories or names");
  std::vector<std::string> paths;
  double scale = 1.0;
  std::uint64_t seed = 42;
  std::string out_dir = "stress-results", pg_url, legion_bin;
  bool quiet = false, no_report = false;
  run->add_option("paths", paths, "scenario files, directories of them, or scenario names")
      ->required();
  run->add_option("--time-scale", scale, "shrink durations and task counts by F (0 < F <= 1)")
      ->check(CLI::Range(1e-9, 1.0))
      ->capture_default_str();
  // Checked as text: CLI11 would read -1 as 2^64-1, NonNegativeNumber let 1e30 through (the
  // run then started with a wrapped seed) and printed DBL_MAX's 300 digits as its bound.
  run->add_option("--seed", seed, "seed of the task operands and the model latencies")
      ->check(CLI::Validator(
          [](const std::string& text) -> std::string {
            errno = 0;
            char* end = nullptr;
            const bool digits =
                !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
            if (digits) std::strtoull(text.c_str(), &end, 10);
            if (!digits || errno == ERANGE) {
              return "must be a whole number from 0 to 18446744073709551615, got '" + text + "'";
            }
            return "";
          },
          "UINT64"))
      ->capture_default_str();
  run->add_option("--out", out_dir, "directory for the JSON results")->capture_default_str();
  run->add_option("--pg-url", pg_url, "PostgreSQL URL for store 'postgresql' (env LEGION_PG_URL)");
  run->add_option("--legion-bin", legion_bin,
                  "the `legion` executable for worker processes (default: next to this one)");
  run->add_flag("--quiet", quiet, "no progress on stderr");
  run->add_flag("--no-report", no_report,
                "do not write report.html/.pdf/.json (scripts/report) into --out at the end");
  auto* list = app.add_subcommand("list", "list scenarios (default: the tests/*_tests folders)");
  std::vector<std::string> list_paths;
  list->add_option("paths", list_paths, "scenario files or directories");

  // CLI11 reports an unknown option before the command as a missing command; name it.
  if (argc > 1 && argv[1][0] == '-' && std::string_view(argv[1]) != "-h" &&
      std::string_view(argv[1]) != "--help") {
    err << "legion-stress: error: unknown option '" << argv[1] << "' (see legion-stress --help)\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
    if (*run) {
      const std::vector<std::string> command(argv, argv + argc);
      return command_run(paths, scale, seed, out_dir, pg_url, legion_bin, quiet, !no_report,
                         command, out, err);
    }
    return command_list(list_paths, out);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help, out, err);
  } catch (const CLI::ParseError& e) {
    err << "legion-stress: error: " << e.what() << "\n";
    return 2;
  } catch (const legion::ConfigError& e) {
    err << "legion-stress: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "legion-stress: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace stress
