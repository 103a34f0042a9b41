// sigkill / sigstop: worker processes killed (SIGKILL: the supervisor restarts them, their
// leases expire and other workers take the tasks over) or frozen for the fault's duration
// (SIGSTOP, then SIGCONT at the heal: their leases expire meanwhile, and whatever they commit
// after waking must be fenced). With in-process worker threads, sigkill makes the thread die
// before its next task, its batch uncommitted, and start again (WorkerThreads::crash).
#include <signal.h>

#include <mutex>

#include "injectors.hpp"

namespace stress::faults {
namespace {

class WorkerSignal final : public FaultInjector {
 public:
  const char* name() const override { return "worker_signal"; }

  void inject(FaultContext& context, const ScheduledFault& fault) override {
    const bool stop = fault.spec.type == "sigstop";
    for (int target : fault.targets) {
      if (context.threads) {
        context.threads->crash(target);
        ++sent_;
        continue;
      }
      const pid_t pid = context.processes ? context.processes->pid(target) : 0;
      if (pid <= 0 || ::kill(pid, stop ? SIGSTOP : SIGKILL) != 0) {
        context.events.add("note", "worker " + std::to_string(target) + " was down: not signalled");
        continue;
      }
      ++sent_;
      if (stop) {
        std::lock_guard lock(mutex_);
        stopped_.push_back(pid);
      }
    }
  }

  void heal(FaultContext&, const ScheduledFault& fault) override {
    if (fault.spec.type != "sigstop") return;  // a kill heals by the supervisor's restart
    std::lock_guard lock(mutex_);
    for (pid_t pid : stopped_) ::kill(pid, SIGCONT);
    stopped_.clear();
  }

  nlohmann::json describe() const override {
    return {{"method",
             "SIGKILL / SIGSTOP+SIGCONT of `legion worker` processes (restarted by the "
             "supervisor); in-process threads: die before their next task and restart"},
            {"signals_sent", sent_}};
  }

  ~WorkerSignal() override {
    // Never leave a frozen process behind.
    for (pid_t pid : stopped_) ::kill(pid, SIGCONT);
  }

 private:
  std::mutex mutex_;
  std::vector<pid_t> stopped_;
  int sent_ = 0;
};

}  // namespace

std::unique_ptr<FaultInjector> make_worker_signal() {
  return std::make_unique<WorkerSignal>();
}

}  // namespace stress::faults
