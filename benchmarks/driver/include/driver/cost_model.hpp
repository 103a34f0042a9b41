#pragma once
// What a framework's processes cost and what their rows' samples are, from the processes kept
// so far: the planner's input (planner.hpp). Each row costs its timed iterations plus one (the
// validation or warm-up run) plus Google Benchmark's sizing of the iteration count (up to
// min_time for a fast row); the cold start's row costs its first prepare and run. What is left
// of a process's wall time is, at its typical (median) value, the framework's fixed cost
// (start, exit), to which the driver's own time per process is added; above it, untimed work
// of the process's rows (a case's prepare, the retrieval corpus, memory per agent), which each
// row is charged an equal share of, averaged over the processes that ran it. Each regime is also a
// bundle (its rows together), with the log geometric mean of every process that ran it whole:
// legion-compare's geometric mean of the regime takes those processes only.
#include <string>
#include <vector>

#include "driver/planner.hpp"
#include "driver/process_data.hpp"

namespace legion::driver {

struct KeptProcess {
  const ProcessData* data = nullptr;
  double wall_s = 0;
  bool full = false;  // ran every row (no filter)
};

FrameworkModel framework_model(const std::vector<KeptProcess>& processes, double min_time_s,
                               double overhead_s);

// What a process of the framework running `rows` (and `always`) should take; every row (`rows`
// empty): the median of its full processes so far.
double predict_process_s(const FrameworkModel& model, const std::vector<KeptProcess>& processes,
                         const std::vector<std::string>& rows,
                         const std::vector<std::string>& always, double overhead_s);

}  // namespace legion::driver
