#include "legion/store/call_watch.hpp"

#include <algorithm>

namespace legion::store {

std::size_t CallWatch::begin() {
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  for (std::size_t i = 0; i < started_.size(); ++i) {
    std::int64_t free = 0;
    if (started_[i].load(std::memory_order_relaxed) == 0 &&
        started_[i].compare_exchange_strong(free, now)) {
      return i;
    }
  }
  return kNone;
}

void CallWatch::end(std::size_t slot) {
  if (slot < started_.size()) started_[slot].store(0, std::memory_order_release);
}

std::chrono::nanoseconds CallWatch::oldest() const {
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  std::int64_t oldest = 0;
  for (const auto& s : started_) {
    const auto t = s.load(std::memory_order_acquire);
    if (t != 0) oldest = std::max(oldest, now - t);
  }
  return std::chrono::nanoseconds(oldest);
}

}  // namespace legion::store
