#pragma once
// The store calls in flight, so a watchdog can see one that hangs (a database that stopped
// answering) while it hangs, not only once it returns. Fixed slots: no allocation per call.
// The store decorator (observed_store.hpp) fills it; the stress engine's fault driver reads it.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace legion::store {

class CallWatch {
 public:
  std::size_t begin();  // a slot, or kNone when all are taken (the call goes unwatched)
  void end(std::size_t slot);
  std::chrono::nanoseconds oldest() const;  // age of the oldest call in flight; 0: none
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

 private:
  std::array<std::atomic<std::int64_t>, 256> started_{};  // steady ns; 0: free
};

}  // namespace legion::store
