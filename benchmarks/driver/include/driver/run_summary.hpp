#pragma once
// The run's own summary, the first lines of comparison.txt and of what scripts/bench prints:
// run quality first (RUN DISTURBED, the A/A gate, the disturbed processes kept, the flagged ones
// dropped without a re-run), then the processes, the time, the processes skipped for lack of
// budget, how many rows are precise and the widest interval, every inconclusive row with what it
// needs, validation failures and notes; then where the time went (per framework and kind of
// process, the comparisons, the rest). Lines of <= 100 columns but for the file names and row names
// they carry.
#include <string>
#include <vector>

#include "driver/comparison_view.hpp"
#include "driver/manifest.hpp"

namespace legion::driver {

// Disturbed: the A/A gate says so, or a process flagged for interference is still kept.
bool run_disturbed(const ComparisonView* view, const std::vector<ProcessRecord>& processes);

struct RunFacts {
  const ComparisonView* view = nullptr;  // the last look; nullptr before any
  const std::vector<ProcessRecord>* processes = nullptr;
  std::vector<std::string> frameworks;
  double elapsed_s = 0, budget_s = 0, precision = 0.10;
  double looks_s = 0;  // the looks' legion-compare time, together
  int looks_done = 0, looks_planned = 0;
  bool accept_disturbed = false;
  std::vector<std::string> notes;
  const std::vector<SkippedProcess>* skipped = nullptr;  // not started for lack of budget
};

std::vector<std::string> run_summary(const RunFacts& facts);

// Where the run's time went: processes (per framework, per kind: full, cold_start, rows,
// rerun, including processes dropped later), the comparisons, and the rest (calibration, the
// driver's own work). The last lines of run_summary.
std::vector<std::string> time_lines(const RunFacts& facts);

}  // namespace legion::driver
