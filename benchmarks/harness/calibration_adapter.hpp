#pragma once
// The A/A control harness/calibration/hot: the fixed C++ work loop of calibration.hpp (~100 us)
// as an adapter, run through the same hot loop as every scenario in every framework's process.
// Its time must be the same in every process; when it is not, the machine was disturbed while
// some processes ran (the run driver's A/A gate, docs/harness.md). The loop's result is the
// output hash, so validation checks it like any scenario's.
#include "adapter.hpp"
#include "calibration.hpp"

namespace legion::harness {

// The harness is built on the adapter layer: its vocabulary (Adapter, Scenario, Outcome...).
using namespace legion::adapters;

class CalibrationAdapter final : public Adapter {
 public:
  std::string name() const override { return "calibration"; }
  std::string version() const override { return "1"; }
  Support support(const Scenario&) const override { return {}; }
  void prepare(const Scenario&, const RunConfig&) override {}
  Outcome run(const ScenarioInput&) override {
    Outcome outcome;
    outcome.output_hash = bench::calibration_work();
    return outcome;
  }
  void teardown() override {}
};

}  // namespace legion::harness
