#include "industry/tpc_classes.hpp"

#include <charconv>
#include <chrono>

#include "legion/corpus.hpp"
#include "legion/error.hpp"
#include "legion/splitmix64.hpp"

namespace industry {
namespace {

using legion::store::TaskSpec;
using legion::store::TaskState;

constexpr TpcClassInfo kInfo[] = {
    {"new_order", 10, 1.0, 18.0, 12.0, 5},  {"payment", 10, 0.5, 3.0, 12.0, 3},
    {"order_status", 1, 0.5, 2.0, 10.0, 4}, {"delivery", 1, 0.5, 2.0, 5.0, 3},
    {"stock_level", 1, 1.0, 2.0, 5.0, 5},   {"delivery_batch", 0, kDeferredP90LimitS, 0, 0, 2},
};

std::int64_t arg(const Json& args, const char* name) {
  return json_integer(args.at(name));
}

std::string request_text(std::size_t cls, const Json& p) {
  auto s = [&](const char* k) { return std::to_string(json_integer(p.at(k))); };
  switch (cls) {
    case kNewOrder:
      return "request: order " + s("order") + " customer " + s("customer") + " item " + s("item") +
             " qty " + s("qty");
    case kPayment:
      return "request: payment customer " + s("customer") + " amount " + s("amount");
    case kOrderStatus:
      return "request: status of order " + s("order") + "; look up: " +
             legion::corpus_fact_query(static_cast<std::size_t>(json_integer(p.at("item"))));
    case kDelivery:
      return "request: delivery " + s("delivery") + " carrier " + s("carrier");
    default:
      return "request: stock level district " + s("district");
  }
}

legion::Tool read_request(std::size_t cls, JobContext& ctx) {
  return make_tool("read_request", "Read the terminal's current request.", {},
                   [cls, &ctx](const Json&) { return Json(request_text(cls, ctx.get().params)); });
}

std::string expected(const char* format_a, std::int64_t a, const char* format_b = nullptr,
                     std::int64_t b = 0, const char* tail = "") {
  std::string out = format_a + std::to_string(a);
  if (format_b != nullptr) out += format_b + std::to_string(b);
  return out + tail;
}

// Whether `text` is PREFIX, a whole number in [0, most], SUFFIX.
bool count_between(const std::string& text, const std::string& prefix, const std::string& suffix,
                   long long most) {
  if (text.size() <= prefix.size() + suffix.size() || text.rfind(prefix, 0) != 0 ||
      text.compare(text.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return false;
  }
  const char* first = text.data() + prefix.size();
  const char* last = text.data() + text.size() - suffix.size();
  long long n = -1;
  const auto [end, error] = std::from_chars(first, last, n);
  return error == std::errc() && end == last && n >= 0 && n <= most;
}

std::string mismatch(const std::string& want, const std::string& got) {
  return want == got ? "" : "answered '" + got + "', expected '" + want + "'";
}

std::string new_order_stage1() {
  return "Check the new order request.\n[[script]]\n"
         "call read_request {}\n"
         R"(call check_stock {"item": "{{find:item (\\d+)}}"})"
         "\n"
         R"(answer order {{find:order (\d+)}} item {{find:item (\d+)}} qty {{find:qty (\d+)}} stock {{find:stock (\d+)}})"
         "\n[[/script]]";
}

std::string new_order_stage2() {
  return "Place this order: {{input}}\n[[script]]\n"
         R"(call place_order {"order_id": "{{find:order (\\d+)}}", "item": "{{find:item (\\d+)}}", "qty": "{{find:qty (\\d+)}}"})"
         "\nanswer {{result}}\n[[/script]]";
}

}  // namespace

const TpcClassInfo& tpc_class_info(std::size_t index) {
  return kInfo[index];
}

std::size_t tpc_class_index(const std::string& name) {
  std::string known;
  for (std::size_t i = 0; i < kTpcClassCount; ++i) {
    if (name == kInfo[i].name) return i;
    known += (known.empty() ? "" : ", ") + std::string(kInfo[i].name);
  }
  throw UsageError("unknown transaction class '" + name + "' (known: " + known + ")");
}

Json tpc_params(std::size_t cls, std::uint64_t id, std::uint64_t seed, std::uint64_t last_order) {
  legion::SplitMix64 rng(legion::mix64(seed ^ (id * 0x9E3779B97F4A7C15ULL)) ^ cls);
  auto draw = [&](std::uint64_t lo, std::uint64_t hi) { return lo + rng.below(hi - lo + 1); };
  switch (cls) {
    case kNewOrder:
      return {{"order", id},
              {"customer", draw(1, 3000)},
              {"item", draw(1, 100000)},
              {"qty", draw(1, 10)}};
    case kPayment:
      return {{"customer", draw(1, 3000)}, {"amount", draw(1, 5000)}};
    case kOrderStatus:
      return {{"order", last_order}, {"item", draw(0, kCorpusDocuments - 1)}};
    case kDelivery:
      return {{"delivery", id}, {"carrier", draw(1, 10)}};
    case kStockLevel:
      return {{"district", draw(1, 10)}};
    default:
      return Json::object();
  }
}

std::vector<WorkClass> tpc_classes(const std::shared_ptr<TpcStores>& stores, std::uint64_t seed) {
  std::vector<WorkClass> out;

  // new_order: clerk (read_request, check_stock) -> order writer (place_order).
  {
    WorkClass c;
    c.name = "new_order";
    legion::adapters::Scenario& s = c.scenario;
    s.id = "tpc_new_order";
    s.source = "legion-industry";
    s.pattern = legion::adapters::Pattern::kPipeline;
    s.tools = {"read_request", "check_stock", "place_order"};
    s.agents = {{"clerk", "an order clerk", "check the order", "", {"read_request", "check_stock"}},
                {"writer", "an order writer", "place the order", "", {"place_order"}}};
    s.tasks = {new_order_stage1(), new_order_stage2()};
    s.pipeline_input = "new order";
    s.min_model_calls = "5";
    c.tools = [stores](JobContext& ctx) {
      return std::vector<legion::Tool>{
          read_request(kNewOrder, ctx),
          make_tool("check_stock", "Stock on hand of an item.", {"item:integer"},
                    [](const Json& a) {
                      const auto item = arg(a, "item");
                      return Json("item " + std::to_string(item) + " stock " +
                                  std::to_string(item * 7919 % 90 + 10));
                    }),
          make_tool(
              "place_order", "Place an order (idempotent per order id).",
              {"order_id:integer", "item:integer", "qty:integer"}, [stores, &ctx](const Json& a) {
                const auto id = arg(a, "order_id");
                const Json payload = {{"order", id},
                                      {"item", arg(a, "item")},
                                      {"qty", arg(a, "qty")},
                                      {"customer", ctx.param("customer")}};
                const bool created = stores->orders.with([&](auto& store) {
                  return store.submit(TaskSpec{"order-" + std::to_string(id), payload.dump(), 0})
                      .created;
                });
                return Json("order " + std::to_string(id) +
                            (created ? " accepted" : " already placed"));
              })};
    };
    c.check = [](const Job& job, const std::string& answer) {
      return mismatch(
          expected("order ", json_integer(job.params.at("order")), nullptr, 0, " accepted"),
          answer);
    };
    out.push_back(std::move(c));
  }

  // payment: one agent appends the payment to the store's "payments" topic.
  {
    WorkClass c;
    c.name = "payment";
    c.scenario = single_agent(
        "tpc_payment", "cashier", {"read_request", "record_payment"},
        "Record the payment.\n[[script]]\ncall read_request {}\n"
        R"(call record_payment {"customer": "{{find:customer (\\d+)}}", "amount": "{{find:amount (\\d+)}}"})"
        "\nanswer {{result}}\n[[/script]]");
    c.scenario.min_model_calls = "3";
    c.tools = [stores](JobContext& ctx) {
      return std::vector<legion::Tool>{
          read_request(kPayment, ctx),
          make_tool("record_payment", "Record a customer's payment.",
                    {"customer:integer", "amount:integer"}, [stores, &ctx](const Json& a) {
                      const auto customer = arg(a, "customer"), amount = arg(a, "amount");
                      const Json body = {
                          {"tx", ctx.get().id}, {"customer", customer}, {"amount", amount}};
                      stores->orders.with([&](auto& store) {
                        return store.append_message("payments", body.dump());
                      });
                      return Json(
                          expected("payment of ", amount, " for customer ", customer, " recorded"));
                    })};
    };
    c.check = [](const Job& job, const std::string& answer) {
      return mismatch(
          expected("payment of ", json_integer(job.params.at("amount")), " for customer ",
                   json_integer(job.params.at("customer")), " recorded"),
          answer);
    };
    out.push_back(std::move(c));
  }

  // order_status: read-only, the order's state and a retrieval over the corpus.
  {
    WorkClass c;
    c.name = "order_status";
    c.scenario = single_agent("tpc_order_status", "service_agent",
                              {"read_request", "order_status", "search_memory"},
                              "Answer the status request.\n[[script]]\ncall read_request {}\n"
                              R"(call order_status {"order_id": "{{find:status of order (\\d+)}}"})"
                              "\n"
                              R"(call search_memory {"query": "{{find:look up: ([^\\n]+)}}"})"
                              "\nanswer {{result:2}}; {{result:3}}\n[[/script]]");
    c.scenario.min_model_calls = "4";
    c.scenario.corpus_documents = std::to_string(kCorpusDocuments);
    c.tools = [stores](JobContext& ctx) {
      return std::vector<legion::Tool>{
          read_request(kOrderStatus, ctx),
          make_tool("order_status", "The state of an order.", {"order_id:integer"},
                    [stores](const Json& a) {
                      const auto id = arg(a, "order_id");
                      const auto task = stores->orders.with(
                          [&](auto& store) { return store.find("order-" + std::to_string(id)); });
                      return Json("order " + std::to_string(id) + " is " +
                                  (task ? legion::store::to_string(task->state) : "unknown"));
                    })};
    };
    c.check = [seed](const Job& job, const std::string& answer) -> std::string {
      const auto order = json_integer(job.params.at("order"));
      const auto item = static_cast<std::size_t>(json_integer(job.params.at("item")));
      const std::string state = "order " + std::to_string(order) + " is ";
      const std::string fact = "The code of item " + std::to_string(item) + " is " +
                               legion::corpus_fact_code(item, seed) + ".";
      if (answer.rfind(state, 0) != 0)
        return "answered '" + answer + "', expected '" + state + "...'";
      if (answer.find(fact) == std::string::npos) return "the answer lacks '" + fact + "'";
      return "";
    };
    out.push_back(std::move(c));
  }

  // delivery: the request is queued for the deferred worker.
  {
    WorkClass c;
    c.name = "delivery";
    c.scenario = single_agent("tpc_delivery", "dispatcher", {"read_request", "queue_delivery"},
                              "Queue the delivery.\n[[script]]\ncall read_request {}\n"
                              R"(call queue_delivery {"carrier": "{{find:carrier (\\d+)}}"})"
                              "\nanswer {{result}}\n[[/script]]");
    c.scenario.min_model_calls = "3";
    c.tools = [stores](JobContext& ctx) {
      return std::vector<legion::Tool>{
          read_request(kDelivery, ctx),
          make_tool("queue_delivery", "Queue a delivery for a carrier.", {"carrier:integer"},
                    [stores, &ctx](const Json& a) {
                      const auto carrier = arg(a, "carrier");
                      const Job job = ctx.get();
                      const auto id = json_integer(job.params.at("delivery"));
                      Json payload = {{"delivery", id}, {"carrier", carrier}};
                      if (job.params.contains("queued_ns"))
                        payload["queued_ns"] = job.params["queued_ns"];
                      stores->deliveries.with([&](auto& store) {
                        return store.submit(
                            TaskSpec{"delivery-" + std::to_string(id), payload.dump(), 0});
                      });
                      return Json(expected("delivery ", id, " queued for carrier ", carrier));
                    })};
    };
    c.check = [](const Job& job, const std::string& answer) {
      return mismatch(expected("delivery ", json_integer(job.params.at("delivery")),
                               " queued for carrier ", json_integer(job.params.at("carrier"))),
                      answer);
    };
    out.push_back(std::move(c));
  }

  // stock_level: an aggregation over the store.
  {
    WorkClass c;
    c.name = "stock_level";
    c.scenario = single_agent(
        "tpc_stock_level", "analyst", {"read_request", "count_orders", "add"},
        "Report the stock level.\n[[script]]\ncall read_request {}\n"
        R"(call count_orders {"state": "queued"})"
        "\n"
        R"(call count_orders {"state": "done"})"
        "\n"
        R"(call add {"a": "{{result:2}}", "b": "{{result:3}}"})"
        "\n"
        R"(answer stock level report for district {{find:district (\d+)}}: {{result}} orders)"
        "\n[[/script]]");
    c.scenario.min_model_calls = "5";
    c.tools = [stores](JobContext& ctx) {
      return std::vector<legion::Tool>{
          read_request(kStockLevel, ctx),
          make_tool("count_orders", "How many orders are in a state (queued or done).",
                    {"state:string"}, [stores](const Json& a) {
                      const std::string state = a.at("state").get<std::string>();
                      const auto stats =
                          stores->orders.with([](auto& store) { return store.stats(); });
                      if (state == "queued") return Json(stats.queued + stats.leased);
                      if (state == "done") return Json(stats.done);
                      throw legion::Error("unknown state '" + state + "'");
                    })};
    };
    c.check = [](const Job& job, const std::string& answer) -> std::string {
      const std::string prefix = "stock level report for district " +
                                 std::to_string(json_integer(job.params.at("district"))) + ": ";
      return count_between(answer, prefix, " orders", 1'000'000'000) ? ""
                                                                     : "answered '" + answer + "'";
    };
    out.push_back(std::move(c));
  }

  // delivery_batch: the deferred part; claims up to 10 undelivered orders and completes them.
  {
    WorkClass c;
    c.name = "delivery_batch";
    c.scenario = single_agent("tpc_delivery_batch", "courier", {"deliver_orders"},
                              "Deliver the oldest undelivered orders.\n[[script]]\n"
                              "call deliver_orders {}\nanswer {{result}}\n[[/script]]");
    c.scenario.min_model_calls = "2";
    c.tools = [stores](JobContext& ctx) {
      return std::vector<legion::Tool>{make_tool(
          "deliver_orders", "Deliver up to 10 of the oldest undelivered orders.", {},
          [stores, &ctx](const Json&) {
            const auto delivery = ctx.get().id;
            const auto delivered = stores->orders.with([&](auto& store) {
              const auto tasks = store.claim("delivery", 10, std::chrono::milliseconds(60'000));
              std::vector<legion::store::Completion> batch;
              for (const auto& t : tasks) {
                batch.push_back({t.id, t.lease_token, Json{{"delivered_by", delivery}}.dump()});
              }
              std::size_t accepted = 0;
              for (auto outcome : store.complete_batch(batch))
                accepted += outcome == legion::store::CompleteOutcome::kAccepted;
              return accepted;
            });
            return Json("delivered " + std::to_string(delivered) + " orders");
          })};
    };
    c.check = [](const Job&, const std::string& answer) -> std::string {
      return count_between(answer, "delivered ", " orders", 10) ? "" : "answered '" + answer + "'";
    };
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace industry
