#include "legion/scheduler.hpp"

namespace legion {
namespace {

thread_local Scheduler* t_scheduler = nullptr;

}  // namespace

Scheduler* current_scheduler() noexcept {
  return t_scheduler;
}

ScopedScheduler::ScopedScheduler(Scheduler* scheduler) noexcept : previous_(t_scheduler) {
  t_scheduler = scheduler;
}

ScopedScheduler::~ScopedScheduler() {
  t_scheduler = previous_;
}

}  // namespace legion
