#pragma once
// Starting many threads at once (a closed run's agents, the bus's consumers, the worker
// threads): the system may refuse one (the process or user thread limit, memory for stacks).
// Dropping a vector of joinable threads then aborts the process; here the threads started so
// far return without doing anything, are joined, and a legion::Error names the limit.
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "legion/error.hpp"

namespace stress::detail {

// Runs body(i) on `count` new threads once all of them exist. Throws legion::Error "cannot
// start WHAT thread I of COUNT (...)" when one cannot be created; none has run body then.
template <class Body>
std::vector<std::thread> start_threads(std::size_t count, const std::string& what, Body body) {
  struct Gate {
    std::mutex mutex;
    std::condition_variable opened;
    bool open = false;
    bool abandoned = false;
  };
  auto gate = std::make_shared<Gate>();
  const auto release = [&](bool abandoned) {
    {
      std::lock_guard lock(gate->mutex);
      gate->open = true;
      gate->abandoned = abandoned;
    }
    gate->opened.notify_all();
  };
  std::vector<std::thread> threads;
  threads.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    try {
      threads.emplace_back([gate, body, i] {
        {
          std::unique_lock lock(gate->mutex);
          gate->opened.wait(lock, [&] { return gate->open; });
          if (gate->abandoned) return;
        }
        body(i);
      });
    } catch (const std::system_error& error) {
      release(true);
      for (auto& thread : threads) thread.join();
      throw legion::Error("cannot start " + what + " thread " + std::to_string(i + 1) + " of " +
                          std::to_string(count) + " (" + error.code().message() +
                          "; the process or user thread limit, ulimit -u, or the memory for "
                          "thread stacks is too low)");
    }
  }
  release(false);
  return threads;
}

}  // namespace stress::detail
