#include "queue_sampler.hpp"

#include <algorithm>

namespace legion::cli {

QueueSampler::QueueSampler(Options options, std::function<Clock::time_point()> now)
    : options_(options), now_(std::move(now)), interval_(options.floor) {}

store::Stats QueueSampler::sample(store::TaskStore& store) {
  const auto start = now_();
  if (!whole_ || start >= next_whole_) {
    whole_ = store.stats();  // one snapshot: its unfinished states are as fresh as a sample
    const auto end = now_();
    const auto cost = std::chrono::duration<double>(end - start).count();
    interval_ = std::max<std::chrono::nanoseconds>(
        options_.floor, std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::duration<double>(cost / options_.budget)));
    next_whole_ = end + interval_;
    return *whole_;
  }
  store::Stats s = store.unfinished();
  s.done = whole_->done;
  s.dead = whole_->dead;
  s.cancelled = whole_->cancelled;
  return s;
}

}  // namespace legion::cli
