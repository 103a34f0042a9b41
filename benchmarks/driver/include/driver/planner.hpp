#pragma once
// Where the next round's time goes. After each look every comparison row has a family-level
// interval; a row is done when its relative half-width reaches the precision target fixed
// before the run (docs/harness.md). The planner spends the round's allowance greedily on the
// process-row additions with the largest expected narrowing per second: adding processes to a
// side shrinks the row's half-width by sqrt(v_b/n_b + v_f/n_f) (v: the variance of the log
// process means of that side), a baseline process narrows every framework's row of the
// benchmark, and opening a process also pays the framework's start and the rows every process
// runs (the A/A calibration row, whose own interval gains from every process). A bundle is a
// set of rows that counts as one more sample only when a process runs all of them: a regime,
// whose geometric mean legion-compare takes over the processes that ran every row of it.
// Inconclusive rows and A/A rows the gate cannot judge yet weigh more. Pure: no I/O,
// unit-tested.
#include <map>
#include <string>
#include <vector>

namespace legion_driver {

// One framework's kept samples of one row, or of a bundle (then the logs of each process's
// geometric mean over the bundle's rows, and a cost that is not used: its rows' are).
struct SideModel {
  std::vector<double> log_means;  // ln of each process mean (ns)
  double cost_s = 0;              // what running the row adds to one process
};

struct FrameworkModel {
  double fixed_s = 0;  // a process's cost besides its rows: start, framework start, exit
  std::map<std::string, SideModel> rows;                    // rows and bundles
  std::map<std::string, std::vector<std::string>> bundles;  // bundle name -> its rows
};

struct RowTarget {  // one comparison row at the last look
  std::string framework, row;
  double rel_half_width = 0;
  double target = 0.10;
  double weight = 1;
};

struct PlanRequest {
  std::string baseline;
  std::map<std::string, FrameworkModel> frameworks;
  std::vector<RowTarget> rows;
  std::vector<std::string> always;  // rows every process runs, whatever else it runs
  double allowance_s = 0;
};

struct PlannedProcess {
  std::string framework;
  std::vector<std::string> rows;  // besides `always`, sorted; bundles expanded
  double predicted_s = 0;         // fixed + always + rows
};

// Half-width after adding processes to each side, from the half-width `h` at n = size().
double predicted_half_width(double h, const std::vector<double>& baseline, std::size_t add_baseline,
                            const std::vector<double>& candidate, std::size_t add_candidate);

// In no particular order (the driver shuffles them with the seed).
std::vector<PlannedProcess> plan_round(const PlanRequest& request);

}  // namespace legion_driver
