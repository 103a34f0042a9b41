#include "legion/store/observed_store.hpp"

namespace legion::store {
namespace {

class ObservedStore final : public TaskStore {
 public:
  ObservedStore(std::unique_ptr<TaskStore> inner, StoreObserver observer)
      : inner_(std::move(inner)), observer_(std::move(observer)) {}

 private:
  template <typename Call>
  auto timed(const char* operation, Call&& call) {
    const auto start = std::chrono::steady_clock::now();
    CallWatch* watch = observer_.watch.get();
    struct InFlight {
      CallWatch* watch;
      std::size_t slot;
      ~InFlight() {
        if (watch) watch->end(slot);
      }
    } in_flight{watch, watch ? watch->begin() : CallWatch::kNone};
    try {
      auto result = call();
      report(operation, start, true);
      return result;
    } catch (const StoreError& error) {
      if (observer_.on_error) observer_.on_error(operation, error);
      report(operation, start, false);
      throw;
    } catch (...) {
      report(operation, start, false);
      throw;
    }
  }
  void report(const char* operation, std::chrono::steady_clock::time_point start, bool ok) {
    if (observer_.on_call)
      observer_.on_call(operation, std::chrono::steady_clock::now() - start, ok);
  }

 public:
  Submitted submit(const TaskSpec& spec) override {
    return timed("submit", [&] { return inner_->submit(spec); });
  }
  std::vector<Submitted> submit_batch(std::span<const TaskSpec> specs) override {
    return timed("submit_batch", [&] { return inner_->submit_batch(specs); });
  }
  std::vector<Task> claim(const std::string& worker_id, int n,
                          std::chrono::milliseconds lease) override {
    auto tasks = timed("claim", [&] { return inner_->claim(worker_id, n, lease); });
    if (observer_.on_claimed) observer_.on_claimed(tasks);
    return tasks;
  }
  bool heartbeat(std::int64_t task_id, std::int64_t lease_token,
                 std::chrono::milliseconds lease) override {
    bool kept = timed("heartbeat", [&] { return inner_->heartbeat(task_id, lease_token, lease); });
    if (observer_.on_heartbeat) observer_.on_heartbeat(task_id, kept);
    return kept;
  }
  std::vector<CompleteOutcome> complete_batch(std::span<const Completion> batch) override {
    auto outcomes = timed("complete_batch", [&] { return inner_->complete_batch(batch); });
    if (observer_.on_completed) observer_.on_completed(batch, outcomes);
    return outcomes;
  }
  std::optional<TaskState> fail(std::int64_t task_id, std::int64_t lease_token,
                                const std::string& error) override {
    auto state = timed("fail", [&] { return inner_->fail(task_id, lease_token, error); });
    if (observer_.on_failed) observer_.on_failed(task_id, state);
    return state;
  }
  bool release(std::int64_t task_id, std::int64_t lease_token) override {
    bool released = timed("release", [&] { return inner_->release(task_id, lease_token); });
    if (observer_.on_released) observer_.on_released(task_id, released);
    return released;
  }
  std::vector<AdminOutcome> retry(std::span<const std::string> keys, const std::string& actor,
                                  const std::string& reason) override {
    return timed("retry", [&] { return inner_->retry(keys, actor, reason); });
  }
  std::vector<AdminOutcome> cancel(std::span<const std::string> keys, const std::string& actor,
                                   const std::string& reason) override {
    return timed("cancel", [&] { return inner_->cancel(keys, actor, reason); });
  }
  std::vector<AuditEntry> audit_log(std::int64_t after_seq, int limit) override {
    return timed("audit_log", [&] { return inner_->audit_log(after_seq, limit); });
  }
  std::optional<Task> get(std::int64_t task_id) override {
    return timed("get", [&] { return inner_->get(task_id); });
  }
  std::optional<Task> find(const std::string& key) override {
    return timed("find", [&] { return inner_->find(key); });
  }
  std::vector<Task> list(std::int64_t after_id, int limit) override {
    return timed("list", [&] { return inner_->list(after_id, limit); });
  }
  std::vector<Task> list_in_state(TaskState state, std::int64_t after_id, int limit) override {
    return timed("list_in_state", [&] { return inner_->list_in_state(state, after_id, limit); });
  }
  std::int64_t append_message(const std::string& topic, const std::string& body) override {
    return timed("append_message", [&] { return inner_->append_message(topic, body); });
  }
  std::vector<Message> read_messages(const std::string& topic, std::int64_t after_id,
                                     int limit) override {
    return timed("read_messages", [&] { return inner_->read_messages(topic, after_id, limit); });
  }
  void save_checkpoint(const Checkpoint& checkpoint) override {
    timed("save_checkpoint", [&] {
      inner_->save_checkpoint(checkpoint);
      return 0;
    });
  }
  std::optional<Checkpoint> load_checkpoint(const std::string& workflow_id) override {
    return timed("load_checkpoint", [&] { return inner_->load_checkpoint(workflow_id); });
  }
  Stats stats() override {
    return timed("stats", [&] { return inner_->stats(); });
  }
  std::int64_t pending() override {
    return timed("pending", [&] { return inner_->pending(); });
  }
  Stats unfinished() override {
    return timed("unfinished", [&] { return inner_->unfinished(); });
  }
  Ledger verify(bool drained) override {
    return timed("verify", [&] { return inner_->verify(drained); });
  }
  void wait_for_work(std::chrono::milliseconds timeout) override { inner_->wait_for_work(timeout); }

 private:
  std::unique_ptr<TaskStore> inner_;
  StoreObserver observer_;
};

}  // namespace

std::unique_ptr<TaskStore> observe_store(std::unique_ptr<TaskStore> inner, StoreObserver observer) {
  return std::make_unique<ObservedStore>(std::move(inner), std::move(observer));
}

}  // namespace legion::store
