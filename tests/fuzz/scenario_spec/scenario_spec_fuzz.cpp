// Scenario specs (benchmarks/scenarios/*.json, docs/harness.md) through parse_scenario (what
// load_scenario does with the file's text; the read itself is the CLI matrix's test), then
// what legion-bench does with one: the parameter grid and the instantiation of each binding
// (templates and integer expressions). Bad input must be a ScenarioError.
//
// The file must be named after the spec's id, so the harness names it after the "id" it
// finds (or "fuzz" when there is none to use). It instantiates the full grid only while it
// has at most 64 bindings (a grid's size is the author's choice).
#include <cstdint>
#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "scenario.hpp"

namespace {

std::string file_name(const std::uint8_t* data, std::size_t size) {
  const auto spec = nlohmann::json::parse(data, data + size, nullptr, false);
  if (spec.is_object()) {
    const auto id = spec.find("id");
    if (id != spec.end() && id->is_string()) {
      const auto& text = id->get_ref<const std::string&>();
      if (!text.empty() && text.size() < 128 &&
          text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos) {
        return text + ".json";
      }
    }
  }
  return "fuzz.json";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legion::adapters;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string path = file_name(data, size);
  legion::fuzz::expect_only<ScenarioError>([&] {
    const Scenario scenario = parse_scenario(text, path);
    std::size_t bindings = 1;
    for (const Parameter& parameter : scenario.parameters) {
      bindings *= parameter.values.size();
      if (bindings > 64) break;
    }
    const auto grid = parameter_grid(scenario, bindings > 64);
    for (const Bindings& binding : grid) {
      for (const std::uint64_t seed : {1ull, 0ull, ~0ull}) {
        const ScenarioInput input = instantiate(scenario, binding, seed);
        legion::fuzz::require(input.agents.size() == scenario.agents.size(),
                              "an instantiation keeps every agent");
      }
    }
  });
  return 0;
}
