#include "stress/task_faults.hpp"

#include <stdexcept>
#include <string>
#include <thread>

#include "legion/splitmix64.hpp"

namespace stress {

void TaskFaults::set(Mode mode, double fraction, std::uint64_t seed, int hang_ms, int leak_kb) {
  std::lock_guard lock(mutex_);
  mode_ = mode;
  fraction_ = fraction;
  seed_ = seed;
  hang_ms_ = hang_ms;
  leak_kb_ = leak_kb;
}

void TaskFaults::clear() {
  std::lock_guard lock(mutex_);
  mode_ = Mode::kNone;
}

nlohmann::json TaskFaults::decorate(std::uint64_t seq) {
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::kNone) return nlohmann::json::object();
  // Which tasks: a pure function of (fault seed, seq), so a replay poisons the same ones.
  const double u =
      static_cast<double>(legion::mix64(seed_ ^ (seq * 0x9E37'79B9'7F4A'7C15ULL)) >> 11) /
      static_cast<double>(1ULL << 53);
  if (u >= fraction_) return nlohmann::json::object();
  ++decorated_;
  switch (mode_) {
    case Mode::kThrow:
      poisoned_.insert(seq);
      return {{"fail_times", 1'000'000}};
    case Mode::kHang:
      poisoned_.insert(seq);
      return {{"sleep_ms", hang_ms_}};
    case Mode::kLeak:
      return {{"leak_kb", leak_kb_}};
    case Mode::kNone:
      break;
  }
  return nlohmann::json::object();
}

void TaskFaults::apply(const nlohmann::json& payload, int attempts) {
  if (!payload.is_object()) return;
  if (auto it = payload.find("sleep_ms"); it != payload.end() && it->is_number()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(it->get<int>()));
  }
  if (auto it = payload.find("fail_times");
      it != payload.end() && it->is_number() && attempts <= it->get<int>()) {
    throw std::runtime_error("requested failure " + std::to_string(attempts));
  }
}

bool TaskFaults::expected_to_fail(std::uint64_t seq) const {
  std::lock_guard lock(mutex_);
  return poisoned_.count(seq) > 0;
}

std::uint64_t TaskFaults::expected_failures() const {
  std::lock_guard lock(mutex_);
  return poisoned_.size();
}

}  // namespace stress
