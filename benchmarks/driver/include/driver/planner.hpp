#pragma once
// Where the next round's time goes. After each look every comparison row has a family-level
// interval; a row is done when its relative half-width reaches the precision target fixed
// before the run (docs/harness.md). The planner spends the round's allowance greedily on the
// process-row additions with the largest expected narrowing per second: the half-width scales
// as Banerjee's sqrt(t_b^2 v_b / n_b + t_f^2 v_f / n_f) (v: the variance of a side's log
// process means, t: its Student quantile at the row's level and n - 1 df), a baseline process
// narrows every framework's row of the benchmark, and opening a process also pays the framework's
// start and the rows every process runs (the A/A calibration row, whose own interval gains from
// every process). A bundle is a set of rows that counts as one more sample only when a process runs
// all of them: a regime, whose geometric mean legion-compare takes over the processes that ran
// every row of it. Inconclusive rows and A/A rows the gate cannot judge yet weigh more. Pure: no
// I/O, unit-tested.
#include <map>
#include <string>
#include <vector>

namespace legion::driver {

// One framework's kept samples of one row, or of a bundle (then the logs of each process's
// geometric mean over the bundle's rows, and a cost that is not used: its rows' are).
struct SideModel {
  std::vector<double> log_means;  // ln of each process mean (ns)
  double cost_s = 0;              // what running the row adds to one process
  // The framework's typical variance of log process means (its rows with >= 3 processes), which
  // a row's own estimate from a few processes is shrunk towards.
  double prior_variance = 0;
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
  double level = 0.95;  // of the row's interval (per row, after the family's correction)
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

// Half-width after adding processes to each side, from the half-width `h` at n = size(), for
// an interval at `level`.
double predicted_half_width(double h, const SideModel& baseline, std::size_t add_baseline,
                            const SideModel& candidate, std::size_t add_candidate,
                            double level = 0.95);

// The median variance of the log process means over `model`'s rows with >= 3 processes (0 when
// none): what a row's spread is likely to be before its own processes show it.
double typical_variance(const FrameworkModel& model);

// In no particular order (the driver shuffles them with the seed).
std::vector<PlannedProcess> plan_round(const PlanRequest& request);

}  // namespace legion::driver
