#include "stress/observed_store.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>

namespace stress {
namespace {

using namespace legion::store;

class ObservedStore final : public TaskStore {
 public:
  ObservedStore(std::unique_ptr<TaskStore> inner, StoreObserver observer)
      : inner_(std::move(inner)), observer_(std::move(observer)) {}

 private:
  template <typename Call>
  auto timed(Call&& call) {
    const auto start = std::chrono::steady_clock::now();
    const auto slot = observer_.watch ? observer_.watch->begin() : CallWatch::kNone;
    struct Done {
      CallWatch* watch;
      std::size_t slot;
      ~Done() {
        if (watch) watch->end(slot);
      }
    } done{observer_.watch.get(), slot};
    try {
      auto result = call();
      if (observer_.on_query) observer_.on_query(std::chrono::steady_clock::now() - start);
      return result;
    } catch (const StoreError& e) {
      if (observer_.on_error) observer_.on_error(e.what());
      throw;
    }
  }

 public:
  Submitted submit(const TaskSpec& spec) override {
    return timed([&] { return inner_->submit(spec); });
  }
  std::vector<Submitted> submit_batch(std::span<const TaskSpec> specs) override {
    return timed([&] { return inner_->submit_batch(specs); });
  }
  std::vector<Task> claim(const std::string& worker_id, int n,
                          std::chrono::milliseconds lease) override {
    auto tasks = timed([&] { return inner_->claim(worker_id, n, lease); });
    if (observer_.on_dead) {
      std::lock_guard lock(mutex_);
      for (const auto& task : tasks) leased_[task.id] = task.key;
    }
    return tasks;
  }
  bool heartbeat(std::int64_t task_id, std::int64_t lease_token,
                 std::chrono::milliseconds lease) override {
    return timed([&] { return inner_->heartbeat(task_id, lease_token, lease); });
  }
  std::vector<CompleteOutcome> complete_batch(std::span<const Completion> batch) override {
    auto outcomes = timed([&] { return inner_->complete_batch(batch); });
    if (observer_.on_dead) {
      std::lock_guard lock(mutex_);
      for (const auto& c : batch) leased_.erase(c.task_id);
    }
    if (observer_.on_completed) {
      for (std::size_t i = 0; i < outcomes.size() && i < batch.size(); ++i) {
        // kAlreadyDone is a retry of a completion already reported: not a second effect.
        if (outcomes[i] == CompleteOutcome::kAccepted) observer_.on_completed(batch[i].result);
      }
    }
    if (observer_.on_accepted) {
      for (std::size_t i = 0; i < outcomes.size() && i < batch.size(); ++i) {
        if (outcomes[i] == CompleteOutcome::kAccepted) observer_.on_accepted(batch[i]);
      }
    }
    return outcomes;
  }
  std::optional<TaskState> fail(std::int64_t task_id, std::int64_t lease_token,
                                const std::string& error) override {
    auto state = timed([&] { return inner_->fail(task_id, lease_token, error); });
    if (observer_.on_dead) {
      std::string key;
      {
        std::lock_guard lock(mutex_);
        if (auto it = leased_.find(task_id); it != leased_.end()) {
          key = std::move(it->second);
          leased_.erase(it);
        }
      }
      if (state == TaskState::kDead && !key.empty()) observer_.on_dead(key);
    }
    return state;
  }
  std::optional<Task> get(std::int64_t task_id) override {
    return timed([&] { return inner_->get(task_id); });
  }
  std::optional<Task> find(const std::string& key) override {
    return timed([&] { return inner_->find(key); });
  }
  std::vector<Task> list(std::int64_t after_id, int limit) override {
    return timed([&] { return inner_->list(after_id, limit); });
  }
  std::int64_t append_message(const std::string& topic, const std::string& body) override {
    return timed([&] { return inner_->append_message(topic, body); });
  }
  std::vector<Message> read_messages(const std::string& topic, std::int64_t after_id,
                                     int limit) override {
    return timed([&] { return inner_->read_messages(topic, after_id, limit); });
  }
  void save_checkpoint(const Checkpoint& checkpoint) override {
    timed([&] {
      inner_->save_checkpoint(checkpoint);
      return 0;
    });
  }
  std::optional<Checkpoint> load_checkpoint(const std::string& workflow_id) override {
    return timed([&] { return inner_->load_checkpoint(workflow_id); });
  }
  Stats stats() override {
    return timed([&] { return inner_->stats(); });
  }
  Ledger verify(bool drained) override {
    return timed([&] { return inner_->verify(drained); });
  }
  // Waiting is not a query: untimed.
  void wait_for_work(std::chrono::milliseconds timeout) override { inner_->wait_for_work(timeout); }

  std::unique_ptr<TaskStore> inner_;
  StoreObserver observer_;
  std::mutex mutex_;  // the lease keeper's heartbeats run on another thread
  std::unordered_map<std::int64_t, std::string> leased_;  // task id -> key, while leased
};

}  // namespace

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

std::unique_ptr<TaskStore> observe_store(std::unique_ptr<TaskStore> inner, StoreObserver observer) {
  return std::make_unique<ObservedStore>(std::move(inner), std::move(observer));
}

}  // namespace stress
