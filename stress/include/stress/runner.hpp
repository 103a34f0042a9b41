#pragma once
// Runs one (already scaled) scenario end to end: workers, load model, resource monitor, drain,
// zero-loss audit, verdicts; returns the JSON result (schema in docs/stress.md).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "stress/config.hpp"
#include "stress/test_seams.hpp"

namespace stress {

struct RunOptions {
  double time_scale = 1.0;
  std::uint64_t seed = 42;
  std::filesystem::path out_dir = "stress-results";
  std::string pg_url;      // for store "postgresql"; empty: the scenario fails, it never fakes
  std::string legion_bin;  // `legion` executable for worker processes
  std::string commit;      // recorded in the result
  std::ostream* progress = nullptr;  // one line per second on stderr
  bool progress_bar = false;         // stderr is a terminal: a bar redrawn in place instead
  // PostgreSQL for a scenario with store.start_server and no pg_url: starts a throwaway
  // server on first use and returns its URL (throws when it cannot).
  std::function<std::string()> start_postgres;
  const TestSeams* seams = nullptr;  // tests only: nothing in the CLI or a config sets it
};

struct RunResult {
  nlohmann::json json;
  bool pass = false;
};

// Environment problems (no PostgreSQL, no `legion` executable, a store error) come back as a
// failed result with an "error" field, not as an exception: the other scenarios still run.
RunResult run_scenario(const ScenarioConfig& config, const RunOptions& options);

}  // namespace stress
