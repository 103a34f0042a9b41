#pragma once
// What the driver reads from legion-compare's JSON (schema legion-compare/2, contract in
// docs/comparison.md): per row the family-level interval, its verdict and whether it is precise;
// the A/A gate; the machines. legion-compare/1 files (no precision fields, no gate) are read
// too, the missing fields derived from the interval, so the driver works across the change.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace legion::driver {

struct ComparisonRow {
  std::string benchmark;  // row_name() of the JSON's benchmark
  std::string framework;
  std::string status;       // "compared", "unsupported", "failed", ...
  bool aa_control = false;  // an A/A row (scenario `harness`): judged by the gate, not a verdict
  std::optional<double> ratio, lower, upper;
  std::optional<double> level;  // of the interval (per row: the family's correction applied)
  std::string verdict;  // slower | faster | equivalent | inconclusive ("" when not compared)
  std::string verdict_text;
  std::optional<int> needs_processes;
  std::optional<double> rel_half_width;  // (ln upper - ln lower) / 2
  bool precise = false;
};

struct AaFramework {
  std::string framework;
  std::string state;  // "inside", "straddles", "outside" ("" when legion-compare/2 omits it)
  std::optional<double> ratio, lower, upper;
  std::optional<int> needs_processes;
  std::vector<std::string> outlying_processes;  // files
};

struct Geomean {
  std::string framework, regime;
  std::optional<double> ratio, lower, upper, level;
};

struct ComparisonView {
  std::string schema;
  std::vector<ComparisonRow> rows;
  std::string aa_status = "absent";  // pass | disturbed | absent
  std::vector<AaFramework> aa;
  std::vector<std::string> machine_ids;
  bool machines_mixed = false;
  std::vector<Geomean> geomeans;
};

// `precision` marks rows precise where the file does not (legion-compare/1). Throws DriverError
// when `doc` has no comparisons array.
ComparisonView read_comparison(const nlohmann::json& doc, double precision);

// Removes `suffix` from the end of every framework name in `view` (rows, A/A gate, geometric
// means): legion-compare names a framework run over HTTP "NAME@http", the driver plans by NAME.
void strip_framework_suffix(ComparisonView& view, const std::string& suffix);

// Over the compared comparison rows (A/A rows aside): how many are precise, and the one with
// the widest interval (nullptr when none has one).
struct PrecisionStatus {
  std::size_t precise = 0, total = 0;
  const ComparisonRow* widest = nullptr;
  std::string widest_text() const;  // "crewai consensus/hot +-31%", "-" without one
};
PrecisionStatus precision_status(const ComparisonView& view);

}  // namespace legion::driver
