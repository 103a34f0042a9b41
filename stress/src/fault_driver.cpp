#include "stress/fault_driver.hpp"

#include <set>

namespace stress {
namespace {

// A store call stuck this long is a symptom: healthy calls here take milliseconds, an fsync
// stall on a shared disk up to half a second.
constexpr auto kStall = std::chrono::milliseconds(750);

}  // namespace

std::string with_address(const std::string& url, const std::string& address) {
  // scheme://[userinfo@]host:port/rest
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) throw legion::ConfigError("not a URL: " + url);
  const auto begin = scheme + 3;
  const auto end = url.find_first_of("/?", begin);
  const auto authority = url.substr(begin, end == std::string::npos ? end : end - begin);
  const auto at = authority.rfind('@');
  const std::string user = at == std::string::npos ? "" : authority.substr(0, at + 1);
  return url.substr(0, begin) + user + address +
         (end == std::string::npos ? std::string() : url.substr(end));
}

FaultDriver::FaultDriver(const ScenarioConfig& config, std::uint64_t seed,
                         std::filesystem::path work_dir)
    : start_(SteadyClock::now()),
      events_(start_),
      context_(config, seed, std::move(work_dir), "", events_, tasks_),
      schedule_(draw_schedule(config.faults, config.workers, seed)) {
  std::set<std::string> made;
  for (const auto& f : schedule_) {
    if (made.insert(injector_name(f.spec.type)).second) {
      injectors_.push_back(make_injector(f.spec.type));
    }
  }
  for (const auto& f : schedule_) {
    AppliedFault a;
    a.planned = f;
    applied_.push_back(std::move(a));
  }
}

FaultDriver::~FaultDriver() {
  stop();
}

FaultInjector& FaultDriver::injector_for(const std::string& type) const {
  const auto name = injector_name(type);
  for (const auto& i : injectors_) {
    if (i->name() == name) return *i;
  }
  throw legion::Error("no injector for fault '" + type + "'");
}

void FaultDriver::shape_load(ScenarioConfig& config) const {
  for (const auto& f : schedule_) injector_for(f.spec.type).shape_load(config, f);
}

void FaultDriver::prepare() {
  std::filesystem::create_directories(context_.work_dir);
  for (auto& i : injectors_) i->prepare(context_);
}

void FaultDriver::set_start(SteadyClock::time_point start) {
  start_ = start;
  events_.set_start(start);
}

void FaultDriver::start() {
  stop_ = false;
  thread_ = std::thread([this] { run(); });
  watchdog_ = std::thread([this] {
    auto quiet_until = SteadyClock::now();
    while (!stop_.load()) {
      const auto age = watch_->oldest();
      if (age > kStall && SteadyClock::now() >= quiet_until) {
        events_.add(
            "store_stall",
            "a store call has been waiting " +
                std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(age).count()) +
                " ms");
        quiet_until = SteadyClock::now() + std::chrono::seconds(1);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

void FaultDriver::run() {
  auto wait_until = [this](double t_s) {
    const auto when = start_ + std::chrono::nanoseconds(static_cast<std::int64_t>(t_s * 1e9));
    while (!stop_.load() && SteadyClock::now() < when) {
      std::this_thread::sleep_for(
          std::min<SteadyClock::duration>(when - SteadyClock::now(), std::chrono::milliseconds(5)));
    }
    return !stop_.load();
  };
  for (std::size_t k = 0; k < schedule_.size(); ++k) {
    const auto& f = schedule_[k];
    if (!wait_until(f.inject_s)) return;
    auto& injector = injector_for(f.spec.type);
    std::string targets;
    for (int t : f.targets) targets += (targets.empty() ? " workers " : ",") + std::to_string(t);
    const double at = events_.seconds(SteadyClock::now());
    try {
      injector.inject(context_, f);
      events_.add("inject", f.spec.type + targets);
    } catch (const std::exception& e) {
      events_.add("inject_failed", f.spec.type + ": " + e.what());
      std::lock_guard lock(mutex_);
      applied_[k].error = std::string("inject: ") + e.what();
    }
    {
      std::lock_guard lock(mutex_);
      applied_[k].inject_s = at;
    }
    // Healed at its moment even when the run is stopping: nothing stays broken.
    wait_until(f.heal_s);
    const double healed = events_.seconds(SteadyClock::now());
    try {
      injector.heal(context_, f);
      events_.add("heal", f.spec.type + targets);
    } catch (const std::exception& e) {
      events_.add("heal_failed", f.spec.type + ": " + e.what());
      std::lock_guard lock(mutex_);
      applied_[k].error += std::string(applied_[k].error.empty() ? "" : "; ") + "heal: " + e.what();
    }
    std::lock_guard lock(mutex_);
    applied_[k].heal_s = healed;
    if (stop_.load()) return;
  }
}

void FaultDriver::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (watchdog_.joinable()) watchdog_.join();
}

void FaultDriver::finish(nlohmann::json& report) {
  for (auto& i : injectors_) i->finish(context_, report);
}

void FaultDriver::task_failed(std::uint64_t id) {
  if (!tasks_.expected_to_fail(id)) return;
  const auto second = static_cast<std::size_t>(std::max(0.0, events_.seconds(SteadyClock::now())));
  std::lock_guard lock(mutex_);
  if (expected_failures_.size() <= second) expected_failures_.resize(second + 1, 0.0);
  expected_failures_[second] += 1.0;
}

std::vector<double> FaultDriver::expected_failures_per_second() const {
  std::lock_guard lock(mutex_);
  return expected_failures_;
}

std::vector<AppliedFault> FaultDriver::applied() const {
  std::lock_guard lock(mutex_);
  return applied_;
}

nlohmann::json FaultDriver::report() const {
  auto schedule = nlohmann::json::array();
  for (const auto& a : applied()) {
    auto j = to_json(a.planned);
    j["injected_at_s"] = a.inject_s >= 0 ? nlohmann::json(a.inject_s) : nlohmann::json(nullptr);
    j["healed_at_s"] = a.heal_s >= 0 ? nlohmann::json(a.heal_s) : nlohmann::json(nullptr);
    if (!a.error.empty()) j["error"] = a.error;
    schedule.push_back(std::move(j));
  }
  auto injectors = nlohmann::json::object();
  for (const auto& i : injectors_) injectors[i->name()] = i->describe();
  return {{"schedule", schedule},
          {"injectors", injectors},
          {"poisoned_tasks", tasks_.expected_failures()},
          {"decorated_tasks", tasks_.decorated()},
          {"events", events_.to_json()}};
}

}  // namespace stress
