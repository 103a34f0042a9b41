// throw / hang: while the fault lasts, a seeded share of the tasks submitted carry a payload
// that makes their handler throw on every attempt, or block for hang_ms (longer than the
// workers' task timeout). Both must end dead-lettered once their attempts are used: recorded
// as failed, never lost, and never holding up the other tasks for good.
#include "injectors.hpp"

namespace stress::faults {
namespace {

class PoisonTasks final : public FaultInjector {
 public:
  const char* name() const override { return "poison_tasks"; }

  void prepare(FaultContext& context) override { context.test_handler = true; }

  void inject(FaultContext& context, const ScheduledFault& fault) override {
    const bool hang = fault.spec.type == "hang";
    context.tasks.set(hang ? TaskFaults::Mode::kHang : TaskFaults::Mode::kThrow,
                      fault.spec.fraction, fault.seed, fault.spec.hang_ms);
    if (hang) hang_ms_ = fault.spec.hang_ms;
  }

  void heal(FaultContext& context, const ScheduledFault&) override { context.tasks.clear(); }

  nlohmann::json describe() const override {
    nlohmann::json j = {{"method",
                         "payload fields read by the handler: fail_times (throws on every "
                         "attempt), sleep_ms (hangs past the task timeout)"}};
    if (hang_ms_) j["hang_ms"] = hang_ms_;
    return j;
  }

 private:
  int hang_ms_ = 0;
};

}  // namespace

std::unique_ptr<FaultInjector> make_poison_tasks() {
  return std::make_unique<PoisonTasks>();
}

}  // namespace stress::faults
