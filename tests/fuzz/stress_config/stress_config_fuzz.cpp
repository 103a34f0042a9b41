// Stress scenario configs (tests/*_tests/*.json, docs/stress.md) through parse_config_text
// (what load_config does with the file's text; the read itself is the CLI matrix's test),
// then the scaling legion-stress applies for --time-scale. Bad input must be a ConfigError
// naming the file and the field.
#include <cmath>
#include <cstdint>

#include "fuzz_support.hpp"
#include "legion/error.hpp"
#include "stress/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  legion::fuzz::expect_only<legion::ConfigError>([&] {
    const stress::ScenarioConfig config = stress::parse_config_text(text, "scenario.json");
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
