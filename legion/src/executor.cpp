#include "legion/executor.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "legion/detail/cpu_relax.hpp"
#include "legion/detail/work_stealing_deque.hpp"
#include "legion/error.hpp"
#include "legion/sync_wait.hpp"

namespace legion {
namespace {

using detail::cpu_relax;
using detail::Job;

// An idle worker first polls for work with a CPU pause between attempts (a fresh batch usually
// arrives within microseconds), then yields, and only then sleeps: a wake-up through the kernel
// costs several microseconds (tens on a VM), far more than a short task. Only a few idle workers
// poll at a time (the "spinners", after Go's scheduler): a submitter finding one skips the
// wake-up, and the pollers do not take the cores that the submitting thread and the busy workers
// need, which on a small machine made every batch slower than running it on one thread.
constexpr int kPauseRounds = 64;
constexpr int kYieldRounds = 16;

// Which executor (if any) the current thread works for, and as which worker.
struct WorkerContext {
  const void* owner = nullptr;
  std::size_t index = 0;
  Executor* executor = nullptr;
};
thread_local WorkerContext t_worker;

}  // namespace

struct Executor::Impl {
  struct Worker {
    detail::WorkStealingDeque<Job*> deque;
    std::thread thread;
    std::uint64_t rng;  // victim selection; touched only by this worker
  };

  explicit Impl(Executor& executor, std::size_t count);
  void start();
  void stop();

  bool is_own_worker() const { return t_worker.owner == this; }
  void schedule(Job* job);
  void inject(std::span<Job* const> jobs);
  Job* find_job(std::size_t self);
  Job* steal(std::size_t self);
  Job* pop_injected();
  bool has_work() const;
  void wake_one();
  bool sleep();  // false when the executor stops and no work is left
  bool start_spinning();
  Job* spin(std::size_t self);
  void worker_loop(std::size_t self);

  Executor& owner;  // the public object: the workers' Scheduler
  std::vector<std::unique_ptr<Worker>> workers;

  std::mutex inject_mutex;
  std::deque<Job*> injected;                   // guarded by inject_mutex
  std::atomic<std::size_t> injected_count{0};  // lets workers skip the lock when it is empty

  std::mutex sleep_mutex;
  std::condition_variable sleep_cv;
  std::uint64_t epoch = 0;    // guarded by sleep_mutex; bumped by every wake-up
  bool wake_pending = false;  // guarded by sleep_mutex: notified, not yet back from the wait
  // Workers in sleep(). It changes only under sleep_mutex, so a thread holding the mutex sees
  // exactly the workers blocked in sleep_cv.wait; others read it as the lock-free fast check.
  std::atomic<std::size_t> sleepers{0};
  std::atomic<std::size_t> spinners{0};  // workers polling for work (spin())
  std::size_t max_spinners = 1;          // half the workers, at least one
  std::atomic<bool> stopping{false};
  // Posts from outside the pool in progress (a timer or transfer thread resuming a coroutine).
  // Such a poster still touches the queues and the wake-up state after the coroutine may have
  // run to its end, so the owner may already be destroying the executor: stop() waits for it.
  std::atomic<std::size_t> external_posts{0};
};

Executor::Impl::Impl(Executor& executor, std::size_t count)
    : owner(executor), max_spinners(std::max<std::size_t>(1, count / 2)) {
  workers.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto worker = std::make_unique<Worker>();
    worker->rng = 0x9E3779B97F4A7C15ull * (i + 1);
    workers.push_back(std::move(worker));
  }
}

void Executor::Impl::start() {
  // All workers exist before any thread runs, because thieves walk the whole vector.
  for (std::size_t i = 0; i < workers.size(); ++i) {
    try {
      workers[i]->thread = std::thread([this, i] { worker_loop(i); });
    } catch (const std::system_error& error) {
      // The threads already running sleep on sleep_cv: stop and join them before the members
      // go (destroying a condition variable with waiters blocks forever, and a joinable
      // std::thread aborts).
      stop();
      throw Error("executor: cannot start worker thread " + std::to_string(i + 1) + " of " +
                  std::to_string(workers.size()) + " (" + error.code().message() +
                  "; the process or user thread limit, ulimit -u, may be too low)");
    }
  }
}

void Executor::Impl::stop() {
  while (external_posts.load(std::memory_order_acquire) != 0) std::this_thread::yield();
  stopping.store(true, std::memory_order_seq_cst);
  {
    std::lock_guard lock(sleep_mutex);
    ++epoch;
  }
  sleep_cv.notify_all();
  for (auto& worker : workers) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  // Workers leave only when every queue is empty, so this finds nothing unless someone broke the
  // contract and submitted during destruction; running it beats leaking it.
  while (Job* job = pop_injected()) job->run();
}

void Executor::Impl::schedule(Job* job) {
  if (is_own_worker()) {
    workers[t_worker.index]->deque.push(job);  // seq_cst publish, see wake_one()
  } else {
    std::lock_guard lock(inject_mutex);
    injected.push_back(job);
    injected_count.fetch_add(1, std::memory_order_seq_cst);
  }
  wake_one();
}

// Many jobs from outside the pool at once (a timer tick): one lock, one wake-up; the woken worker
// passes the wake-up on while it finds more work than it takes.
void Executor::Impl::inject(std::span<Job* const> jobs) {
  if (jobs.empty()) return;
  {
    std::lock_guard lock(inject_mutex);
    injected.insert(injected.end(), jobs.begin(), jobs.end());
    injected_count.fetch_add(jobs.size(), std::memory_order_seq_cst);
  }
  wake_one();
}

// Pairs with sleep() and spin(): the submitter publishes work, then reads `spinners`, then
// `sleepers`; a spinner stops polling by decrementing `spinners` and then, in sleep(), increments
// `sleepers` and looks for work once more. All of it is seq_cst, so a submitter that skips the
// wake-up because it saw a spinner (or no sleeper) published before that last look: the work is
// found and a wake-up is never lost. The common cases (a worker polls, or nobody sleeps) cost one
// or two loads.
//
// One wake-up at a time: while a woken worker is on its way (tens of microseconds on a VM), more
// submissions do not pay for more system calls; the woken worker passes the wake-up on when it
// finds more work than it takes (worker_loop), and runs the rest itself otherwise.
void Executor::Impl::wake_one() {
  if (spinners.load(std::memory_order_seq_cst) != 0) return;
  if (sleepers.load(std::memory_order_seq_cst) == 0) return;
  {
    std::lock_guard lock(sleep_mutex);
    if (wake_pending || sleepers.load(std::memory_order_relaxed) == 0) return;
    wake_pending = true;
    ++epoch;
  }
  sleep_cv.notify_one();
}

bool Executor::Impl::sleep() {
  std::unique_lock lock(sleep_mutex);
  sleepers.fetch_add(1, std::memory_order_seq_cst);
  bool keep_running = true;
  if (!has_work()) {
    if (stopping.load(std::memory_order_seq_cst)) {
      keep_running = false;
    } else {
      const std::uint64_t seen = epoch;
      sleep_cv.wait(lock, [&] { return epoch != seen; });
      wake_pending = false;  // the wake-up arrived (or stop() woke everyone)
    }
  }
  sleepers.fetch_sub(1, std::memory_order_seq_cst);
  return keep_running;
}

bool Executor::Impl::has_work() const {
  if (injected_count.load(std::memory_order_seq_cst) != 0) return true;
  return std::any_of(workers.begin(), workers.end(),
                     [](const auto& worker) { return !worker->deque.empty(); });
}

Job* Executor::Impl::pop_injected() {
  if (injected_count.load(std::memory_order_relaxed) == 0) return nullptr;
  std::lock_guard lock(inject_mutex);
  if (injected.empty()) return nullptr;
  Job* job = injected.front();
  injected.pop_front();
  injected_count.fetch_sub(1, std::memory_order_seq_cst);
  return job;
}

Job* Executor::Impl::steal(std::size_t self) {
  if (Job* job = pop_injected()) return job;
  const std::size_t count = workers.size();
  std::uint64_t& rng = workers[self]->rng;
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  const std::size_t start = static_cast<std::size_t>(rng % count);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t victim = (start + k) % count;
    if (victim == self) continue;
    if (Job* job = workers[victim]->deque.steal()) return job;
  }
  return nullptr;
}

Job* Executor::Impl::find_job(std::size_t self) {
  if (Job* job = workers[self]->deque.pop()) return job;
  return steal(self);
}

bool Executor::Impl::start_spinning() {
  std::size_t n = spinners.load(std::memory_order_relaxed);
  while (n < max_spinners) {
    if (spinners.compare_exchange_weak(n, n + 1, std::memory_order_seq_cst)) return true;
  }
  return false;
}

// Polls for work as one of the spinners (start_spinning() succeeded). A spinner that finds work
// was the submitters' reason not to wake anybody: when it was the last one and more work is
// queued, it wakes a sleeper to take its place, so a burst spreads over the pool.
Job* Executor::Impl::spin(std::size_t self) {
  Job* job = nullptr;
  for (int round = 0; job == nullptr && round < kPauseRounds + kYieldRounds; ++round) {
    if (round < kPauseRounds) {
      for (int i = 0; i < 16; ++i) cpu_relax();
    } else {
      std::this_thread::yield();
    }
    job = steal(self);
  }
  const bool last = spinners.fetch_sub(1, std::memory_order_seq_cst) == 1;
  if (job != nullptr && last && has_work()) wake_one();
  return job;
}

void Executor::Impl::worker_loop(std::size_t index) {
  t_worker = WorkerContext{this, index, &owner};
  const ScopedScheduler scheduler(&owner);
  bool woken = false;
  while (true) {
    Job* job = find_job(index);
    if (job == nullptr && start_spinning()) {
      job = spin(index);
    } else if (job != nullptr && woken && has_work()) {
      wake_one();  // woken for one job and found more: pass the wake-up on
    }
    woken = false;
    if (job != nullptr) {
      job->run();
    } else if (!sleep()) {
      break;
    } else {
      woken = true;
    }
  }
  t_worker = WorkerContext{};
}

Executor::Executor(std::size_t workers) {
  if (workers == 0) workers = std::max(1u, std::thread::hardware_concurrency());
  impl_ = std::make_unique<Impl>(*this, workers);
  impl_->start();
}

Executor::~Executor() {
  impl_->stop();
}

std::size_t Executor::num_workers() const {
  return impl_->workers.size();
}

bool Executor::on_worker_thread() const {
  return impl_->is_own_worker();
}

void Executor::schedule(detail::Job* job) {
  impl_->schedule(job);
}

bool Executor::run_one_job() {
  Job* job = impl_->find_job(t_worker.index);
  if (job == nullptr) return false;
  job->run();
  return true;
}

bool Executor::run_one_injected_job() {
  Job* job = impl_->pop_injected();
  if (job == nullptr) return false;
  job->run();
  return true;
}

Executor* Executor::current_worker_owner() noexcept {
  return t_worker.executor;
}

namespace {

// Counts a post from outside the pool for the whole time it touches the executor.
class ExternalPost {
 public:
  explicit ExternalPost(std::atomic<std::size_t>& count) : count_(count) {
    count_.fetch_add(1, std::memory_order_seq_cst);
  }
  ~ExternalPost() { count_.fetch_sub(1, std::memory_order_release); }
  ExternalPost(const ExternalPost&) = delete;
  ExternalPost& operator=(const ExternalPost&) = delete;

 private:
  std::atomic<std::size_t>& count_;
};

}  // namespace

void Executor::post(std::coroutine_handle<> coroutine) {
  if (impl_->is_own_worker()) {
    schedule(Job::make([coroutine] { coroutine.resume(); }));
    return;
  }
  const ExternalPost guard(impl_->external_posts);
  if (detail::WaitLoop* loop = detail::WaitLoop::current()) loop->help(*this);
  schedule(Job::make([coroutine] { coroutine.resume(); }));
}

void Executor::post(std::span<const std::coroutine_handle<>> coroutines) {
  if (impl_->is_own_worker()) {
    for (std::coroutine_handle<> coroutine : coroutines) post(coroutine);
    return;
  }
  const ExternalPost guard(impl_->external_posts);
  if (detail::WaitLoop* loop = detail::WaitLoop::current()) loop->help(*this);
  std::vector<Job*> jobs;
  jobs.reserve(coroutines.size());
  for (std::coroutine_handle<> coroutine : coroutines) {
    jobs.push_back(Job::make([coroutine] { coroutine.resume(); }));
  }
  impl_->inject(jobs);
}

namespace {

detail::DetachedTask run_detached(Task<void> task) {
  co_await task;  // an escaping exception reaches DetachedTask's terminate, as documented
}

}  // namespace

void Executor::spawn(Task<void> task) {
  post(run_detached(std::move(task)).handle);
}

std::future<void> Executor::run(TaskGraph& graph) {
  return graph.launch(*this);
}

}  // namespace legion
