#pragma once

// Builds Comparison::criteria (private to the compare library).

#include <string>
#include <vector>

#include "compare/comparison.hpp"
#include "framework_data.hpp"

namespace legion::compare {

// Fills c.criteria from c.latency (the overhead lines) and the rows of LangChain against
// LEGION (c.rows when LEGION is the baseline; otherwise decided here as `--baseline legion`
// would decide them). c.rows and c.latency must be built already.
void judge_criteria(Comparison& c, const std::vector<Framework>& frameworks,
                    const std::vector<std::string>& names);

}  // namespace legion::compare
