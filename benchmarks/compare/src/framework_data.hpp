#pragma once

// The frameworks' processes and the rows built from them (private to the compare library): shared
// by the comparison against the baseline, the latency table (its ratios against `direct`) and the
// criteria (LEGION against LangChain when LEGION is not the baseline).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compare/comparison.hpp"

namespace legion::compare {

struct Framework {
  FrameworkInfo info;
  std::vector<const ProcessRun*> processes;
};

// What one framework did for one benchmark, over its processes.
struct Gathered {
  bool present = false;
  std::optional<std::string> error;
  Side side;
};

Gathered gather(const Framework& f, const std::string& name);

// Every framework but frameworks[base] against it, benchmark by benchmark in `names`' order
// (regime first, as the rows of a Comparison), each framework's comparison rows decided as one
// family (Bonferroni at alpha / (m looks)), each A/A row on its own against the A/A bounds.
// `family_rows` receives m per framework. Throws InputError as compare_frameworks does.
std::vector<Row> compare_against(const std::vector<Framework>& frameworks, std::size_t base,
                                 const std::vector<std::string>& names, const Options& options,
                                 std::map<std::string, std::size_t>& family_rows);

// Index of the framework called `name`, or nullopt.
std::optional<std::size_t> framework_index(const std::vector<Framework>& frameworks,
                                           const std::string& name);

}  // namespace legion::compare
