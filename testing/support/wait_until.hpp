#pragma once
// Waiting on a condition instead of sleeping: a test that sleeps "long enough" for another
// thread or process to get somewhere passes vacuously when that one starts late and fails on
// a loaded machine. wait_until polls `condition` until it holds; the timeout is generous
// because it only expires when the condition never comes (the test then fails saying so).
#include <chrono>
#include <thread>

namespace legion::testing {

inline constexpr std::chrono::seconds kConditionTimeout{60};

template <class Condition>
bool wait_until(Condition&& condition,
                std::chrono::steady_clock::duration timeout = kConditionTimeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace legion::testing
