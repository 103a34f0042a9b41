#pragma once
// run.json, the manifest of a run directory (layout and every field: docs/harness.md, "The run
// directory"): what ran, in what order, on what machine, under what interference, which
// processes the comparison kept. Written after every process (write-then-rename), so a run that
// stops half-way still describes what it did.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "driver/interference.hpp"

namespace legion::driver {

struct ProcessRecord {
  std::string framework;
  int index = 0;  // k of <framework>.<k>.json: 1, 2, ... per framework over the run
  int round = 0;
  std::string kind;               // "full", "cold_start", "rows", "rerun"
  std::vector<std::string> rows;  // rows it was filtered to; empty = every row
  std::string filter;             // the --benchmark_filter it ran with, "" for none
  std::string file, log;          // names in the run directory
  std::string started, ended;     // UTC, ISO 8601
  double predicted_s = 0;         // the cost model's
  double forecast_s = 0;          // corrected by this run's processes (duration_forecast.hpp)
  double wall_s = 0;
  int exit_status = -1;
  int signal = 0;
  bool timed_out = false;
  std::optional<double> calibration_cpp_ns;
  Interference interference;
  std::vector<std::string> flags;  // interference reasons, A/A outlier
  bool kept = true;                // in the comparison
  std::string replaced_by;         // file of the re-run that replaced it
  std::string rerun_of;            // file this process re-ran
  // Why a flagged process left the comparison without a re-run ("" when it did not).
  std::string dropped;
  // Why a flagged process stays in the comparison at the end of an adaptive run: its framework
  // needs it ("" when it is not flagged, or left).
  std::string kept_flagged;
};

// A process the driver planned but did not start: its forecast would have ended past the budget.
struct SkippedProcess {
  std::string framework;
  std::string kind;
  std::size_t rows = 0;  // 0: every row
  int round = 0;
  double forecast_s = 0;
  double left_s = 0;  // of the budget, less the time kept for the last comparison
};

nlohmann::json to_json(const ProcessRecord& p);
nlohmann::json to_json(const SkippedProcess& s);

// Writes `doc` to `path` through a temporary file and a rename: never a half-written manifest.
void write_json_atomically(const std::filesystem::path& path, const nlohmann::json& doc);

}  // namespace legion::driver
