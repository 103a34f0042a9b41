// Workflow specs (docs/workflow-spec.md) through `legion run`'s entry points: parse_workflow
// (what load_workflow does with the file's text; the read itself is the CLI matrix's test),
// then run_workflow checks the spec and runs its pattern on the simulated model. Bad input
// must be a legion::Error (the CLI prints it as one line, exit 2 or 1).
//
// Two things the harness changes before running, so an execution stays short without
// losing what is parsed: the model's latency spec is parsed and sampled here, then replaced
// by "none" (a spec may ask for hours of simulated latency); counts that only scale the run
// (threads, max_turns, max_iterations, max_steps) are capped.
#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "legion/error.hpp"
#include "legion/latency.hpp"
#include "workflow.hpp"

namespace {

using nlohmann::json;

void cap(json& object, const char* field, std::uint64_t limit) {
  if (!object.is_object()) return;
  const auto it = object.find(field);
  if (it != object.end() && it->is_number_unsigned() && it->get<std::uint64_t>() > limit) {
    *it = limit;
  }
}

void bound_the_run(json& spec) {
  if (!spec.is_object()) return;
  if (const auto model = spec.find("model"); model != spec.end() && model->is_object()) {
    if (const auto latency = model->find("latency");
        latency != model->end() && latency->is_string()) {
      const legion::LatencyModel parsed = legion::LatencyModel::parse(latency->get<std::string>());
      for (const std::uint64_t tokens : {0ull, 1ull, 1000ull, ~0ull}) {
        (void)parsed.sample(42, 7, tokens);
      }
      (void)legion::LatencyModel::parse(parsed.spec());  // the canonical text round-trips
      *latency = "none";
    }
  }
  if (const auto pattern = spec.find("pattern"); pattern != spec.end()) {
    cap(*pattern, "threads", 4);
    cap(*pattern, "max_turns", 64);
    cap(*pattern, "max_iterations", 64);
  }
  if (const auto agents = spec.find("agents"); agents != spec.end() && agents->is_array()) {
    for (json& agent : *agents) cap(agent, "max_steps", 64);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  legion::fuzz::expect_only<legion::Error>([&] {
    json spec = legion::cli::parse_workflow(text, "workflow.json");
    bound_the_run(spec);
    // `legion run` prints the result as JSON: that must work for whatever the run produced.
    (void)legion::cli::run_workflow(spec, nullptr, "").dump(2);
  });
  return 0;
}
