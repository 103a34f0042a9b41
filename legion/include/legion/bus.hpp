#pragma once
// The message bus: topics (publish/subscribe) and per-agent mailboxes.
//
// Contract:
// - Every agent has one bounded Mailbox, created on first use with the bus's capacity and overflow
//   policy. Topics fan a message out to the mailbox of every subscriber; send() targets one agent
//   and records the topic as "@<agent>".
// - Ids come from one counter per bus: unique, increasing in the order publish/send calls take
//   them. A mailbox is FIFO, so messages from one sender arrive in id order; messages of concurrent
//   senders interleave in push order.
// - sent_at is stamped once per publish/send, received_at when the message leaves a mailbox, so
//   received_at - sent_at is the bus latency including queueing.
// - Overflow: kBlock makes the producer wait for room, kReject throws QueueFullError naming the
//   mailbox and its capacity, kDropOldest evicts the oldest message and counts it. publish() tries
//   every subscriber before rethrowing the first rejection, so one full mailbox does not starve
//   the others.
// - Pushing into a closed mailbox throws QueueFullError. Closing wakes every blocked producer and
//   consumer; consumers drain what is left, then pop() throws.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace legion {

enum class OverflowPolicy { kBlock, kReject, kDropOldest };

const char* to_string(OverflowPolicy policy);

struct BusMessage {
  std::uint64_t id = 0;  // unique per bus, monotonically increasing
  std::string sender;
  std::string topic;  // topic name, or "@<agent>" for a direct message
  std::string payload;
  std::chrono::steady_clock::time_point sent_at;      // set by publish/send
  std::chrono::steady_clock::time_point received_at;  // set when popped from a mailbox
};

// A bounded MPMC queue of BusMessage with an explicit overflow policy.
class Mailbox {
 public:
  Mailbox(std::string owner, std::size_t capacity, OverflowPolicy policy);  // capacity >= 1
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  void push(BusMessage message);
  std::optional<BusMessage> try_pop();
  BusMessage pop();  // blocks; throws QueueFullError("... closed") when closed and empty
  // Empty when the timeout expires, or when the mailbox is closed and empty.
  std::optional<BusMessage> pop_for(std::chrono::nanoseconds timeout);
  void close();

  bool closed() const;
  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }
  OverflowPolicy policy() const { return policy_; }
  std::uint64_t dropped() const;
  std::uint64_t rejected() const;
  // Threads blocked right now in push() (a full kBlock mailbox) and in pop()/pop_for() (an
  // empty one): back-pressure an operator can see, and a condition a test can wait for.
  std::size_t blocked_pushes() const;
  std::size_t waiting_pops() const;
  const std::string& owner() const { return owner_; }

 private:
  BusMessage take_front(std::unique_lock<std::mutex>& lock);
  void spin_for_message() const;
  [[noreturn]] void throw_closed() const;

  const std::string owner_;
  const std::size_t capacity_;
  const OverflowPolicy policy_;
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<BusMessage> queue_;    // guarded by mutex_
  std::size_t waiting_pops_ = 0;    // guarded by mutex_; skip notify when nobody waits
  std::size_t waiting_pushes_ = 0;  // guarded by mutex_
  bool closed_ = false;             // guarded by mutex_
  std::uint64_t dropped_ = 0;       // guarded by mutex_
  std::uint64_t rejected_ = 0;      // guarded by mutex_
  // Written under mutex_, read without it: lets a consumer spin briefly before it sleeps.
  std::atomic<std::size_t> ready_hint_{0};
};

struct BusOptions {
  std::size_t mailbox_capacity = 1024;
  OverflowPolicy policy = OverflowPolicy::kBlock;
};

struct BusStats {
  std::uint64_t published;  // publish() and send() calls
  std::uint64_t delivered;  // messages that entered a mailbox
  std::uint64_t dropped;    // evicted by kDropOldest, over all mailboxes
  std::uint64_t rejected;   // refused by kReject, over all mailboxes
};

class MessageBus {
 public:
  explicit MessageBus(BusOptions options = {});
  MessageBus(const MessageBus&) = delete;
  MessageBus& operator=(const MessageBus&) = delete;

  std::shared_ptr<Mailbox> mailbox(const std::string& agent);          // created on first use
  void subscribe(const std::string& topic, const std::string& agent);  // idempotent
  void unsubscribe(const std::string& topic, const std::string& agent);
  // To every subscriber's mailbox; returns the message id; 0 subscribers is fine.
  std::uint64_t publish(const std::string& topic, const std::string& sender, std::string payload);
  std::uint64_t send(const std::string& to_agent, const std::string& sender, std::string payload);
  BusStats stats() const;

 private:
  // Immutable once published: publish() takes a reference and delivers without holding the bus
  // lock, so a producer blocked on a full mailbox never stalls subscribe() or other topics.
  using Subscribers = std::vector<std::shared_ptr<Mailbox>>;

  std::shared_ptr<Mailbox> mailbox_locked(const std::string& agent);  // needs mutex_ exclusive
  BusMessage stamp(const std::string& topic, const std::string& sender, std::string payload);
  void deliver(Mailbox& mailbox, BusMessage message);

  const BusOptions options_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Mailbox>> mailboxes_;         // by agent
  std::unordered_map<std::string, std::shared_ptr<const Subscribers>> topics_;  // by topic
  std::atomic<std::uint64_t> next_id_{1};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> delivered_{0};
};

}  // namespace legion
