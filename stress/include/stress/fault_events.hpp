#pragma once
// The event log of a failure run: what was injected and healed, and what the system and the
// harness saw (a worker exiting, a store call failing or stalling, a lease taken over, a task
// dead-lettered). Detection times are read from it, and the per-second timeline lists it.
// Thread-safe; bounded (the first `capacity` events are kept, a repeated symptom at most every
// 250 ms, every event is counted).
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stress/metrics.hpp"

namespace stress {

struct FaultEvent {
  double t_s = 0.0;
  std::string kind;  // inject, heal, worker_exit, worker_restart, store_error, store_stall, ...
  std::string detail;
};

class FaultEvents {
 public:
  explicit FaultEvents(SteadyClock::time_point start, std::size_t capacity = 5000)
      : start_(start), capacity_(capacity) {}
  // The run's t = 0, when it is known only after the set-up (before any event).
  void set_start(SteadyClock::time_point start) { start_ = start; }

  void add(const std::string& kind, const std::string& detail);
  void add_at(SteadyClock::time_point when, const std::string& kind, const std::string& detail);
  // Kinds that are not the harness's own doing: a sign the system noticed (or suffered) a fault.
  static bool is_symptom(const std::string& kind);

  std::vector<FaultEvent> events() const;
  std::map<std::string, std::uint64_t> counts() const;
  nlohmann::json to_json() const;
  double seconds(SteadyClock::time_point t) const;

 private:
  SteadyClock::time_point start_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<FaultEvent> events_;
  std::map<std::string, std::uint64_t> counts_;
  std::map<std::string, double> last_kept_;
};

}  // namespace stress
