#include "stress/fault_events.hpp"

#include <algorithm>

namespace stress {

void FaultEvents::add(const std::string& kind, const std::string& detail) {
  add_at(SteadyClock::now(), kind, detail);
}

void FaultEvents::add_at(SteadyClock::time_point when, const std::string& kind,
                         const std::string& detail) {
  const double t = seconds(when);
  std::lock_guard lock(mutex_);
  ++counts_[kind];
  // A symptom repeats while its fault lasts (every failed call): one per kind per 250 ms is
  // kept, every one is counted.
  auto& last = last_kept_[kind];
  if (is_symptom(kind) && last > 0 && t - last < 0.25) return;
  last = t;
  if (events_.size() < capacity_) {
    events_.push_back({t, kind, detail.size() > 300 ? detail.substr(0, 300) + "..." : detail});
  }
}

bool FaultEvents::is_symptom(const std::string& kind) {
  return kind != "inject" && kind != "heal" && kind != "note" && kind != "worker_running" &&
         kind != "worker_restart";
}

double FaultEvents::seconds(SteadyClock::time_point t) const {
  return std::chrono::duration<double>(t - start_).count();
}

std::vector<FaultEvent> FaultEvents::events() const {
  std::lock_guard lock(mutex_);
  auto out = events_;
  std::stable_sort(out.begin(), out.end(),
                   [](const FaultEvent& a, const FaultEvent& b) { return a.t_s < b.t_s; });
  return out;
}

std::map<std::string, std::uint64_t> FaultEvents::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

nlohmann::json FaultEvents::to_json() const {
  auto list = nlohmann::json::array();
  for (const auto& e : events()) {
    list.push_back({{"t_s", e.t_s}, {"kind", e.kind}, {"detail", e.detail}});
  }
  return {{"counts", counts()}, {"kept", list.size()}, {"list", list}};
}

}  // namespace stress
