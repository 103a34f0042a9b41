#include "legion/store/backoff.hpp"

#include <algorithm>
#include <functional>
#include <thread>

namespace legion::store {
namespace {

std::uint64_t fresh_seed() {
  const auto now =
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return mix64(now ^ mix64(std::hash<std::thread::id>{}(std::this_thread::get_id())));
}

}  // namespace

Backoff::Backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap, std::uint64_t seed)
    : step_(std::max(first, std::chrono::milliseconds(1))),
      cap_(std::max(cap, step_)),
      random_(seed != 0 ? seed : fresh_seed()) {}

std::chrono::milliseconds Backoff::next() {
  const std::int64_t half = step_.count() / 2;
  const auto jitter =
      static_cast<std::int64_t>(random_.below(static_cast<std::uint64_t>(half) + 1));
  const std::chrono::milliseconds wait(step_.count() - half + jitter);
  step_ = std::min(step_ * 2, cap_);
  return wait;
}

}  // namespace legion::store
