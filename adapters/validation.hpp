#pragma once
// Whether an outcome counts: the expected answer, at least the minimal model calls, and -
// against a reference outcome of the same scenario - the same output hash. Returns "" when
// it counts, else the one-line reason a benchmark reports with SkipWithError.
#include <string>

#include "adapter.hpp"

namespace legion::adapters {

std::string check_outcome(const Outcome& outcome, const ScenarioInput& input);
std::string check_repeat(const Outcome& outcome, const Outcome& reference);
// Against a real model, which follows no script: the run's structure only - an answer came
// back (non-empty), the model was called, and a tool was called when the scenario gives its
// agents tools.
std::string check_structure(const Outcome& outcome, const ScenarioInput& input);

}  // namespace legion::adapters
