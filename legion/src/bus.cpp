#include "legion/bus.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include "legion/detail/cpu_relax.hpp"
#include "legion/error.hpp"

namespace legion {

const char* to_string(OverflowPolicy policy) {
  switch (policy) {
    case OverflowPolicy::kBlock:
      return "block";
    case OverflowPolicy::kReject:
      return "reject";
    case OverflowPolicy::kDropOldest:
      return "drop_oldest";
  }
  return "block";
}

namespace {

// A consumer that finds its mailbox empty polls for about as long as a kernel wake-up would take
// (a few microseconds) before it sleeps: agents exchanging messages back and forth then hand over
// without the scheduler.
constexpr int kPopSpinRounds = 128;

}  // namespace

Mailbox::Mailbox(std::string owner, std::size_t capacity, OverflowPolicy policy)
    : owner_(std::move(owner)), capacity_(capacity), policy_(policy) {
  if (capacity_ == 0) throw ConfigError("mailbox '" + owner_ + "' needs a capacity of at least 1");
}

void Mailbox::throw_closed() const {
  throw QueueFullError("mailbox '" + owner_ + "' is closed");
}

void Mailbox::push(BusMessage message) {
  std::unique_lock lock(mutex_);
  if (closed_) throw_closed();
  if (queue_.size() >= capacity_) {
    switch (policy_) {
      case OverflowPolicy::kReject:
        ++rejected_;
        throw QueueFullError("mailbox '" + owner_ + "' is full (capacity " +
                             std::to_string(capacity_) + ", policy reject)");
      case OverflowPolicy::kDropOldest:
        queue_.pop_front();
        ++dropped_;
        break;
      case OverflowPolicy::kBlock:
        ++waiting_pushes_;
        not_full_.wait(lock, [&] { return closed_ || queue_.size() < capacity_; });
        --waiting_pushes_;
        if (closed_) throw_closed();
        break;
    }
  }
  queue_.push_back(std::move(message));
  ready_hint_.store(queue_.size(), std::memory_order_relaxed);
  const bool wake = waiting_pops_ > 0;
  lock.unlock();
  if (wake) not_empty_.notify_one();
}

BusMessage Mailbox::take_front(std::unique_lock<std::mutex>& lock) {
  BusMessage message = std::move(queue_.front());
  queue_.pop_front();
  ready_hint_.store(queue_.size(), std::memory_order_relaxed);
  const bool wake = waiting_pushes_ > 0;
  lock.unlock();
  if (wake) not_full_.notify_one();
  message.received_at = std::chrono::steady_clock::now();
  return message;
}

std::optional<BusMessage> Mailbox::try_pop() {
  std::unique_lock lock(mutex_);
  if (queue_.empty()) return std::nullopt;
  return take_front(lock);
}

void Mailbox::spin_for_message() const {
  for (int round = 0; round < kPopSpinRounds; ++round) {
    if (ready_hint_.load(std::memory_order_relaxed) != 0) return;
    detail::cpu_relax();
  }
}

BusMessage Mailbox::pop() {
  spin_for_message();
  std::unique_lock lock(mutex_);
  ++waiting_pops_;
  not_empty_.wait(lock, [&] { return closed_ || !queue_.empty(); });
  --waiting_pops_;
  if (queue_.empty()) throw_closed();
  return take_front(lock);
}

std::optional<BusMessage> Mailbox::pop_for(std::chrono::nanoseconds timeout) {
  if (timeout > std::chrono::microseconds(10)) spin_for_message();
  std::unique_lock lock(mutex_);
  ++waiting_pops_;
  not_empty_.wait_for(lock, timeout, [&] { return closed_ || !queue_.empty(); });
  --waiting_pops_;
  if (queue_.empty()) return std::nullopt;
  return take_front(lock);
}

void Mailbox::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
}

bool Mailbox::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::size_t Mailbox::size() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::uint64_t Mailbox::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::uint64_t Mailbox::rejected() const {
  std::lock_guard lock(mutex_);
  return rejected_;
}

std::size_t Mailbox::blocked_pushes() const {
  std::lock_guard lock(mutex_);
  return waiting_pushes_;
}

std::size_t Mailbox::waiting_pops() const {
  std::lock_guard lock(mutex_);
  return waiting_pops_;
}

MessageBus::MessageBus(BusOptions options) : options_(options) {
  if (options_.mailbox_capacity == 0) throw ConfigError("bus mailbox capacity must be at least 1");
}

std::shared_ptr<Mailbox> MessageBus::mailbox_locked(const std::string& agent) {
  auto [it, inserted] = mailboxes_.try_emplace(agent);
  if (inserted) {
    it->second = std::make_shared<Mailbox>(agent, options_.mailbox_capacity, options_.policy);
  }
  return it->second;
}

std::shared_ptr<Mailbox> MessageBus::mailbox(const std::string& agent) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = mailboxes_.find(agent); it != mailboxes_.end()) return it->second;
  }
  std::unique_lock lock(mutex_);
  return mailbox_locked(agent);
}

void MessageBus::subscribe(const std::string& topic, const std::string& agent) {
  std::unique_lock lock(mutex_);
  std::shared_ptr<Mailbox> box = mailbox_locked(agent);
  std::shared_ptr<const Subscribers>& current = topics_[topic];
  if (current && std::find(current->begin(), current->end(), box) != current->end()) return;
  auto next = current ? std::make_shared<Subscribers>(*current) : std::make_shared<Subscribers>();
  next->push_back(std::move(box));
  current = std::move(next);
}

void MessageBus::unsubscribe(const std::string& topic, const std::string& agent) {
  std::unique_lock lock(mutex_);
  auto topic_it = topics_.find(topic);
  auto box_it = mailboxes_.find(agent);
  if (topic_it == topics_.end() || box_it == mailboxes_.end()) return;
  auto next = std::make_shared<Subscribers>(*topic_it->second);
  next->erase(std::remove(next->begin(), next->end(), box_it->second), next->end());
  if (next->empty()) {
    topics_.erase(topic_it);
  } else {
    topic_it->second = std::move(next);
  }
}

BusMessage MessageBus::stamp(const std::string& topic, const std::string& sender,
                             std::string payload) {
  published_.fetch_add(1, std::memory_order_relaxed);
  BusMessage message;
  message.id = next_id_.fetch_add(1, std::memory_order_relaxed);
  message.sender = sender;
  message.topic = topic;
  message.payload = std::move(payload);
  message.sent_at = std::chrono::steady_clock::now();
  return message;
}

void MessageBus::deliver(Mailbox& mailbox, BusMessage message) {
  mailbox.push(std::move(message));
  delivered_.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t MessageBus::publish(const std::string& topic, const std::string& sender,
                                  std::string payload) {
  std::shared_ptr<const Subscribers> subscribers;
  {
    std::shared_lock lock(mutex_);
    if (auto it = topics_.find(topic); it != topics_.end()) subscribers = it->second;
  }
  BusMessage message = stamp(topic, sender, std::move(payload));
  const std::uint64_t id = message.id;
  if (!subscribers) return id;
  std::exception_ptr first_error;
  const std::size_t count = subscribers->size();
  for (std::size_t i = 0; i < count; ++i) {
    try {
      // The last subscriber gets the original: a single-subscriber topic copies nothing.
      // NOLINTNEXTLINE(bugprone-use-after-move): moved only on the last iteration.
      deliver(*(*subscribers)[i], i + 1 == count ? std::move(message) : message);
    } catch (const QueueFullError&) {
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
  return id;
}

std::uint64_t MessageBus::send(const std::string& to_agent, const std::string& sender,
                               std::string payload) {
  std::shared_ptr<Mailbox> box = mailbox(to_agent);
  BusMessage message = stamp("@" + to_agent, sender, std::move(payload));
  const std::uint64_t id = message.id;
  deliver(*box, std::move(message));
  return id;
}

BusStats MessageBus::stats() const {
  BusStats stats{published_.load(std::memory_order_relaxed),
                 delivered_.load(std::memory_order_relaxed), 0, 0};
  std::shared_lock lock(mutex_);
  for (const auto& [agent, box] : mailboxes_) {
    stats.dropped += box->dropped();
    stats.rejected += box->rejected();
  }
  return stats;
}

}  // namespace legion
