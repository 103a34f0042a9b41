#include "compare/benchmark_name.hpp"

#include <algorithm>
#include <iterator>

#include "bench_names.hpp"

namespace legion::compare {

namespace {

// Components Google Benchmark appends to a registered name (UseRealTime adds "/real_time").
bool is_gbench_suffix(std::string_view c) {
  for (std::string_view s : {"real_time", "manual_time", "process_time"}) {
    if (c == s) return true;
  }
  for (std::string_view s :
       {"threads:", "repeats:", "iterations:", "min_time:", "min_warmup_time:"}) {
    if (c.starts_with(s)) return true;
  }
  return false;
}

}  // namespace

BenchmarkName split_benchmark_name(std::string_view name) {
  for (auto last = name.rfind('/'); last != std::string_view::npos; last = name.rfind('/')) {
    if (!is_gbench_suffix(name.substr(last + 1))) break;
    name = name.substr(0, last);
  }
  const auto first = name.find('/');
  if (first == std::string_view::npos) return {std::string(name), "", std::string(name)};
  const auto last = name.rfind('/');
  return {std::string(name.substr(0, first)), std::string(name.substr(last + 1)),
          std::string(name.substr(0, last))};
}

int regime_rank(std::string_view regime) {
  const auto* const end = std::end(bench::kRegimes);
  return static_cast<int>(std::find(std::begin(bench::kRegimes), end, regime) -
                          std::begin(bench::kRegimes));
}

}  // namespace legion::compare
