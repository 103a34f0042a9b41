#pragma once
// What the harness tests share: the scenario catalogue's path, and one run of a scenario on a
// fresh adapter (prepare, run, optionally run again on the same input, teardown).
#include <cstdint>
#include <string>

#include "registry.hpp"
#include "validation.hpp"

namespace legion::adapters::test_support {

inline const std::string kCatalog = LEGION_TEST_DATA_DIR "/../../benchmarks/scenarios";

inline Outcome run_once(const std::string& framework, const Scenario& s, const Bindings& b,
                        std::uint64_t seed, Outcome* second = nullptr) {
  auto adapter = make_adapter(framework);
  RunConfig config;
  config.seed = seed;
  config.parameters = b;
  adapter->prepare(s, config);
  const ScenarioInput input = instantiate(s, b, seed);
  Outcome first = adapter->run(input);
  if (second) *second = adapter->run(input);
  adapter->teardown();
  return first;
}

}  // namespace legion::adapters::test_support
