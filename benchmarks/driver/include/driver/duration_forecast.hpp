#pragma once
// What a process will take, from what this run measured. The cost model (cost_model.hpp)
// predicts a process from its rows' timed work and equal shares of the rest, and can be far off
// for the rows a framework spends its untimed time in (a CrewAI row process predicted at 25 s
// took 48 s). Before starting a process the driver scales the model's prediction by how far off
// it was for the framework's processes of the same kind so far, and does not start the process
// when that forecast would end past the budget (docs/harness.md, "scripts/bench and the run
// driver").
#include <string>
#include <vector>

namespace legion::driver {

struct MeasuredProcess {
  std::string framework;
  std::string kind;        // full, cold_start, rows (a re-run counts as the kind it re-ran)
  double predicted_s = 0;  // the cost model's when it started (0: there was none)
  double wall_s = 0;
};

// `predicted_s` times the largest wall / predicted ratio among `so_far`'s processes of the same
// framework and kind; never below `predicted_s` (a model that was pessimistic stays the
// forecast). No such process: `predicted_s`. The ratio carries the row set's own scaling: the
// model already predicts a rows process from the rows it runs.
double forecast_s(const std::vector<MeasuredProcess>& so_far, const std::string& framework,
                  const std::string& kind, double predicted_s);

}  // namespace legion::driver
