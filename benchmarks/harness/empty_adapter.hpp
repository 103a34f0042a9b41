#pragma once
// An adapter whose run() does nothing: benchmarking it through the same hot loop as every
// scenario measures what the harness itself adds per iteration (target <= 20 ns).
#include "adapter.hpp"

namespace legion::harness {

// The harness is built on the adapter layer: its vocabulary (Adapter, Scenario, Outcome...).
using namespace legion::adapters;

class EmptyAdapter final : public Adapter {
 public:
  std::string name() const override { return "empty"; }
  std::string version() const override { return "0"; }
  Support support(const Scenario&) const override { return {}; }
  void prepare(const Scenario&, const RunConfig&) override {}
  Outcome run(const ScenarioInput&) override { return {}; }
  void teardown() override {}
};

}  // namespace legion::harness
