// Stress scenario configs (tests/*_tests/*.json, docs/stress.md) through load_config, then
// the scaling legion-stress applies for --time-scale. Bad input must be a ConfigError naming
// the file and the field.
#include <cmath>
#include <cstdint>

#include "fuzz_support.hpp"
#include "legion/error.hpp"
#include "stress/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = legion::fuzz::write_scratch("scenario.json", data, size);
  legion::fuzz::expect_only<legion::ConfigError>([&] {
    const stress::ScenarioConfig config = stress::load_config(path);
    // The factors scripts/test's stress-smoke runs use, and full scale.
    for (const double factor : {1.0, 0.02, 0.002, 0.000003}) {
      const stress::ScenarioConfig run = stress::scaled(config, factor);
      const double planned = stress::planned_duration_s(run);
      legion::fuzz::require(std::isfinite(planned) && planned > 0, "a run has a duration");
      legion::fuzz::require(run.tasks >= 1 && run.tasks <= config.tasks,
                            "scaling keeps between one task and the full count");
    }
  });
  return 0;
}
