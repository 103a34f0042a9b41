#include "legion/bus.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "legion/error.hpp"
#include "support/wait_until.hpp"

namespace legion {
namespace {

using namespace std::chrono_literals;
using legion::testing::wait_until;

TEST(MessageBus, PublishFansOutToEverySubscriber) {
  MessageBus bus;
  for (const char* agent : {"alice", "bob", "carol"}) bus.subscribe("news", agent);
  bus.subscribe("news", "alice");  // idempotent
  bus.subscribe("other", "dave");
  const std::uint64_t id = bus.publish("news", "editor", "hello");
  for (const char* agent : {"alice", "bob", "carol"}) {
    auto box = bus.mailbox(agent);
    ASSERT_EQ(box->size(), 1u) << agent;
    BusMessage message = box->pop();
    EXPECT_EQ(message.id, id);
    EXPECT_EQ(message.sender, "editor");
    EXPECT_EQ(message.topic, "news");
    EXPECT_EQ(message.payload, "hello");
  }
  EXPECT_EQ(bus.mailbox("dave")->size(), 0u);
  const BusStats stats = bus.stats();
  EXPECT_EQ(stats.published, 1u);
  EXPECT_EQ(stats.delivered, 3u);
}

TEST(MessageBus, PublishWithoutSubscribersIsFine) {
  MessageBus bus;
  EXPECT_GT(bus.publish("void", "me", "x"), 0u);
  EXPECT_EQ(bus.stats().published, 1u);
  EXPECT_EQ(bus.stats().delivered, 0u);
}

TEST(MessageBus, UnsubscribeStopsDelivery) {
  MessageBus bus;
  bus.subscribe("t", "a");
  bus.subscribe("t", "b");
  bus.unsubscribe("t", "a");
  bus.unsubscribe("t", "nobody");
  bus.publish("t", "s", "p");
  EXPECT_EQ(bus.mailbox("a")->size(), 0u);
  EXPECT_EQ(bus.mailbox("b")->size(), 1u);
}

TEST(MessageBus, DirectSendReachesOneAgent) {
  MessageBus bus;
  bus.subscribe("t", "other");
  const std::uint64_t id = bus.send("worker", "manager", "do it");
  auto box = bus.mailbox("worker");
  EXPECT_EQ(bus.mailbox("worker"), box);  // one mailbox per agent
  auto message = box->try_pop();
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->id, id);
  EXPECT_EQ(message->topic, "@worker");
  EXPECT_EQ(message->sender, "manager");
  EXPECT_EQ(message->payload, "do it");
  EXPECT_EQ(bus.mailbox("other")->size(), 0u);
}

TEST(MessageBus, MailboxIsFifoAndTimestamped) {
  MessageBus bus;
  bus.subscribe("t", "a");
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(bus.publish("t", "s", std::to_string(i)));
  auto box = bus.mailbox("a");
  for (int i = 0; i < 20; ++i) {
    BusMessage message = box->pop();
    EXPECT_EQ(message.payload, std::to_string(i));
    EXPECT_EQ(message.id, ids[i]);
    if (i > 0) {
      EXPECT_GT(ids[i], ids[i - 1]);
    }
    EXPECT_NE(message.sent_at.time_since_epoch().count(), 0);
    EXPECT_GE(message.received_at, message.sent_at);
  }
}

TEST(Mailbox, ZeroCapacityIsAConfigError) {
  EXPECT_THROW(Mailbox("x", 0, OverflowPolicy::kBlock), ConfigError);
  EXPECT_THROW(MessageBus(BusOptions{0, OverflowPolicy::kBlock}), ConfigError);
}

TEST(Mailbox, RejectPolicyNamesTheMailbox) {
  MessageBus bus(BusOptions{2, OverflowPolicy::kReject});
  bus.send("inbox", "s", "1");
  bus.send("inbox", "s", "2");
  try {
    bus.send("inbox", "s", "3");
    FAIL() << "a full mailbox with kReject must throw";
  } catch (const QueueFullError& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("inbox"), std::string::npos) << what;
    EXPECT_NE(what.find("capacity 2"), std::string::npos) << what;
  }
  auto box = bus.mailbox("inbox");
  EXPECT_EQ(box->size(), 2u);
  EXPECT_EQ(box->rejected(), 1u);
  EXPECT_EQ(bus.stats().rejected, 1u);
  EXPECT_EQ(bus.stats().delivered, 2u);
  EXPECT_EQ(box->pop().payload, "1");
}

TEST(Mailbox, RejectOnOneSubscriberStillDeliversToOthers) {
  MessageBus bus(BusOptions{1, OverflowPolicy::kReject});
  bus.subscribe("t", "full");
  bus.subscribe("t", "free");
  bus.send("full", "s", "filler");
  EXPECT_THROW(bus.publish("t", "s", "news"), QueueFullError);
  EXPECT_EQ(bus.mailbox("free")->pop().payload, "news");
}

TEST(Mailbox, DropOldestKeepsTheNewestAndCounts) {
  MessageBus bus(BusOptions{3, OverflowPolicy::kDropOldest});
  bus.subscribe("t", "a");
  for (int i = 0; i < 10; ++i) bus.publish("t", "s", std::to_string(i));
  auto box = bus.mailbox("a");
  EXPECT_EQ(box->size(), 3u);
  EXPECT_EQ(box->dropped(), 7u);
  EXPECT_EQ(bus.stats().dropped, 7u);
  EXPECT_EQ(box->pop().payload, "7");
  EXPECT_EQ(box->pop().payload, "8");
  EXPECT_EQ(box->pop().payload, "9");
}

TEST(Mailbox, BlockPolicyWaitsForAConsumer) {
  Mailbox box("slow", 1, OverflowPolicy::kBlock);
  box.push(BusMessage{1, "s", "t", "first", {}, {}});
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    box.push(BusMessage{2, "s", "t", "second", {}, {}});
    pushed.store(true);
  });
  // Inside push(), waiting for room: only now does "not pushed yet" mean "blocked".
  // EXPECT, not ASSERT: the thread must still be joined below.
  EXPECT_TRUE(wait_until([&] { return box.blocked_pushes() == 1; }))
      << "the producer never blocked on the full mailbox";
  EXPECT_FALSE(pushed.load()) << "the producer must block while the mailbox is full";
  EXPECT_EQ(box.size(), 1u);
  EXPECT_EQ(box.pop().payload, "first");
  producer.join();
  EXPECT_TRUE(pushed.load());
  EXPECT_EQ(box.blocked_pushes(), 0u);
  EXPECT_EQ(box.pop().payload, "second");
  EXPECT_EQ(box.dropped(), 0u);
}

TEST(Mailbox, CloseWakesABlockedPop) {
  Mailbox box("idle", 4, OverflowPolicy::kBlock);
  std::atomic<bool> threw{false};
  std::thread consumer([&] {
    try {
      box.pop();
    } catch (const QueueFullError& error) {
      threw.store(std::string(error.what()).find("closed") != std::string::npos);
    }
  });
  // EXPECT, not ASSERT: the thread must still be joined below.
  EXPECT_TRUE(wait_until([&] { return box.waiting_pops() == 1; }))
      << "the consumer never waited on the empty mailbox";
  box.close();
  consumer.join();
  EXPECT_TRUE(threw.load());
  EXPECT_EQ(box.waiting_pops(), 0u);
  EXPECT_TRUE(box.closed());
  EXPECT_THROW(box.push(BusMessage{}), QueueFullError);
}

TEST(Mailbox, CloseWakesABlockedPushAndLetsConsumersDrain) {
  Mailbox box("full", 1, OverflowPolicy::kBlock);
  box.push(BusMessage{1, "s", "t", "kept", {}, {}});
  std::atomic<bool> threw{false};
  std::thread producer([&] {
    try {
      box.push(BusMessage{2, "s", "t", "lost", {}, {}});
    } catch (const QueueFullError&) {
      threw.store(true);
    }
  });
  // EXPECT, not ASSERT: the thread must still be joined below.
  EXPECT_TRUE(wait_until([&] { return box.blocked_pushes() == 1; }))
      << "the producer never blocked on the full mailbox";
  box.close();
  producer.join();
  EXPECT_TRUE(threw.load());
  EXPECT_EQ(box.pop().payload, "kept");
  EXPECT_THROW(box.pop(), QueueFullError);
  EXPECT_FALSE(box.try_pop().has_value());
  EXPECT_FALSE(box.pop_for(1ms).has_value());
}

TEST(Mailbox, PopForTimesOutAndReceives) {
  Mailbox box("timed", 4, OverflowPolicy::kBlock);
  EXPECT_FALSE(box.pop_for(2ms).has_value());
  std::thread producer([&] { box.push(BusMessage{7, "s", "t", "late", {}, {}}); });
  auto message = box.pop_for(5s);
  producer.join();
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->id, 7u);
}

TEST(MessageBus, IdsUniqueAndIncreasingUnderConcurrentPublishers) {
  constexpr int kPublishers = 4;
  constexpr int kEach = 2'000;
  MessageBus bus(BusOptions{64, OverflowPolicy::kBlock});  // small: producers really block
  bus.subscribe("t", "sink");
  auto box = bus.mailbox("sink");
  std::vector<std::thread> publishers;
  for (int p = 0; p < kPublishers; ++p) {
    publishers.emplace_back([&, p] {
      const std::string sender = "p" + std::to_string(p);
      for (int i = 0; i < kEach; ++i) bus.publish("t", sender, std::to_string(i));
    });
  }
  std::set<std::uint64_t> ids;
  std::vector<std::uint64_t> last_id(kPublishers, 0);
  std::vector<int> next_payload(kPublishers, 0);
  for (int n = 0; n < kPublishers * kEach; ++n) {
    BusMessage message = box->pop();
    EXPECT_GE(message.received_at, message.sent_at);
    EXPECT_TRUE(ids.insert(message.id).second) << "duplicate id " << message.id;
    const int p = message.sender[1] - '0';
    EXPECT_GT(message.id, last_id[p]);  // per sender, FIFO and increasing
    EXPECT_EQ(message.payload, std::to_string(next_payload[p]++));
    last_id[p] = message.id;
  }
  for (auto& publisher : publishers) publisher.join();
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kPublishers * kEach));
  EXPECT_EQ(*ids.begin(), 1u);
  EXPECT_EQ(*ids.rbegin(), static_cast<std::uint64_t>(kPublishers * kEach));
  EXPECT_EQ(bus.stats().delivered, static_cast<std::uint64_t>(kPublishers * kEach));
}

}  // namespace
}  // namespace legion
