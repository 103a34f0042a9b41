#pragma once
// The five transaction classes of the agent transaction benchmark, shaped like TPC-C's
// (TPC-C 5.11, clause 2), each a harness scenario every framework runs in its own idiom, with
// tools that read and write the durable task store:
//   new_order     a two-agent pipeline: a clerk reads the request and checks stock, an order
//                 writer places the order (a task keyed order-<id> in the store, idempotent)
//   payment       one agent records a payment (appended to the store's "payments" topic)
//   order_status  read-only: the order's state from the store and the item's code retrieved
//                 from a 1,000-document corpus (BM25 search_memory)
//   delivery      deferred: the agent queues a delivery request (the response time ends
//                 there); a deferred worker later runs delivery_batch, which claims up to 10
//                 undelivered orders and completes them (exactly once, fenced by lease tokens)
//   stock_level   an aggregation report: counts of queued and delivered orders, added up
// Job parameters are drawn per transaction from the seed; every answer is checked.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "industry/store_pool.hpp"
#include "industry/workload.hpp"

namespace industry {

enum TpcClass : std::size_t {
  kNewOrder = 0,
  kPayment,
  kOrderStatus,
  kDelivery,
  kStockLevel,
  kTpcClassCount,
  kDeliveryBatch = kTpcClassCount,  // the deferred part, run by the delivery worker
};

struct TpcClassInfo {
  const char* name;
  int cards;           // in TPC-C's deck of 23: 10, 10, 1, 1, 1 (minimum shares 43/43/4/4/4 %)
  double p90_limit_s;  // default 90th-percentile response-time limit
  double keying_s;     // TPC-C's keying and mean think times (clause 5.2.5), scaled by
  double think_s;      //   --keying-scale (0 by default: open arrivals only)
  int model_calls;     // per transaction, for the latency model's arithmetic in the docs
};
const TpcClassInfo& tpc_class_info(std::size_t index);
// Index of a class name, or throws UsageError naming the known classes.
std::size_t tpc_class_index(const std::string& name);

inline constexpr std::size_t kCorpusDocuments = 1000;
// The deferred part's 90th-percentile limit (queueing to completion), TPC-C's 80 s scaled
// like the others.
inline constexpr double kDeferredP90LimitS = 5.0;

// The durable state every slot's tools share.
struct TpcStores {
  explicit TpcStores(const std::string& orders_url, const std::string& deliveries_url)
      : orders(orders_url), deliveries(deliveries_url) {}
  StorePool orders;      // order-<id> tasks, the "payments" topic
  StorePool deliveries;  // delivery-<id> requests for the deferred worker
};

// The six classes (five plus delivery_batch), their tools bound to `stores`.
std::vector<WorkClass> tpc_classes(const std::shared_ptr<TpcStores>& stores, std::uint64_t seed);

// Job parameters for transaction `id` of class `cls`; `last_order` is the newest order id
// placed so far (order_status looks one up; 0 when none).
Json tpc_params(std::size_t cls, std::uint64_t id, std::uint64_t seed, std::uint64_t last_order);

}  // namespace industry
