// The industry workloads on the LEGION adapter: every TPC class answers right and writes to
// the store; a wrong answer is caught; enterprise proves exactly-once posting; scalability fits
// the USL; bad options are rejected before any work.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "industry/enterprise.hpp"
#include "industry/scalability.hpp"
#include "industry/tpc.hpp"
#include "industry/tpc_classes.hpp"
#include "legion/error.hpp"

namespace {

using industry::Json;

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("legion-industry-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct TpcFixture {
  TempDir dir;
  std::shared_ptr<industry::TpcStores> stores =
      std::make_shared<industry::TpcStores>("sqlite://" + (dir.path() / "orders.db").string(),
                                            "sqlite://" + (dir.path() / "deliveries.db").string());
  std::vector<industry::WorkClass> classes = industry::tpc_classes(stores, 42);
  industry::RunSettings settings{"legion", 42, legion::LatencyModel::none()};
};

TEST(TpcWorkload, EveryClassRunsAndChecksOut) {
  TpcFixture f;
  industry::Slot slot(f.settings, f.classes);
  for (std::uint64_t id = 1; id <= 3; ++id) {
    for (std::size_t c = 0; c < f.classes.size(); ++c) {
      const auto params = industry::tpc_params(c, id, 42, c == industry::kOrderStatus ? 1 : 0);
      const auto r = slot.run(c, {id, params});
      EXPECT_EQ(r.error, "") << f.classes[c].name;
      EXPECT_GE(r.outcome.model_calls, 2u) << f.classes[c].name;
    }
  }
  // Three orders placed, payments recorded, deliveries queued; the batch delivered them.
  auto orders = legion::store::open_store(f.stores->orders.url());
  const auto stats = orders->stats();
  EXPECT_EQ(stats.total(), 3);
  EXPECT_EQ(stats.done, 3);  // delivery_batch ran after each new order
  EXPECT_EQ(orders->read_messages("payments", 0, 100).size(), 3u);
  EXPECT_EQ(legion::store::open_store(f.stores->deliveries.url())->stats().total(), 3);
  EXPECT_TRUE(orders->verify(false).ok());
}

TEST(TpcWorkload, ChecksRejectWrongAnswers) {
  TpcFixture f;
  const industry::Job job{5, industry::tpc_params(industry::kNewOrder, 5, 42, 0)};
  EXPECT_EQ(f.classes[industry::kNewOrder].check(job, "order 5 accepted"), "");
  EXPECT_NE(f.classes[industry::kNewOrder].check(job, "order 6 accepted"), "");
  const industry::Job stock{1, industry::tpc_params(industry::kStockLevel, 1, 42, 0)};
  EXPECT_NE(f.classes[industry::kStockLevel].check(stock, "stock level report"), "");
  const std::string district = std::to_string(stock.params["district"].get<int>());
  const auto& level = f.classes[industry::kStockLevel].check;
  EXPECT_EQ(level(stock, "stock level report for district " + district + ": 12 orders"), "");
  EXPECT_NE(level(stock, "stock level report for district " + district + ": x orders"), "");
  EXPECT_NE(level(stock, "stock level report for district " + district + ": -1 orders"), "");
  const auto& batch = f.classes[industry::kDeliveryBatch].check;
  EXPECT_EQ(batch({}, "delivered 10 orders"), "");
  EXPECT_EQ(batch({}, "delivered 0 orders"), "");
  EXPECT_NE(batch({}, "delivered 11 orders"), "");
  EXPECT_NE(batch({}, "delivered  orders"), "");
}

TEST(TpcWorkload, PlacingAnOrderTwiceIsIdempotent) {
  TpcFixture f;
  industry::Slot slot(f.settings, f.classes);
  const industry::Job job{9, industry::tpc_params(industry::kNewOrder, 9, 42, 0)};
  EXPECT_EQ(slot.run(industry::kNewOrder, job).error, "");
  const auto again = slot.run(industry::kNewOrder, job);
  EXPECT_EQ(again.outcome.answer, "order 9 already placed");
  EXPECT_NE(again.error, "");  // the transaction reports it: a repeat is not a new order
  EXPECT_EQ(legion::store::open_store(f.stores->orders.url())->stats().total(), 1);
}

TEST(Workload, UnknownFrameworkAndUnsupportedPattern) {
  EXPECT_THROW(industry::start_adapter("no_such_framework"), industry::UsageError);
  industry::WorkClass c;
  c.name = "vote";
  c.scenario = industry::single_agent("vote", "voter", {}, "[[script]]\nvote yes\n[[/script]]");
  c.scenario.pattern = legion::adapters::Pattern::kConsensus;
  c.scenario.agents.push_back(c.scenario.agents.front());
  const std::vector<industry::WorkClass> classes = {c};
  EXPECT_THROW(industry::Slot({"direct", 1, {}}, classes), industry::Unsupported);
}

TEST(Tpc, ShortRunMeetsEveryLimitAndWritesTheHeadline) {
  TempDir dir;
  auto o = industry::default_tpc_options();
  o.out_dir = dir.path();
  o.time_scale = 0.01;
  o.terminals = 4;
  o.latency = "fixed:1ms";
  o.search.start_rate = 40;
  o.search.max_rate = 40;
  o.search.min_rate = 40;
  const auto r = industry::run_tpc(o);
  ASSERT_EQ(r.exit_code, 0) << r.json.dump();
  const Json& j = r.json;
  EXPECT_EQ(j["status"], "ok");
  EXPECT_GT(j["headline"]["tx_per_min"].get<double>(), 0);
  for (const char* c : {"new_order", "payment", "order_status", "delivery", "stock_level"}) {
    EXPECT_TRUE(j["classes"][c]["slo_met"].get<bool>()) << c;
    EXPECT_LE(j["classes"][c]["p90_ms"].get<double>(),
              j["classes"][c]["p90_limit_ms"].get<double>());
  }
  EXPECT_TRUE(j["audit"]["pass"].get<bool>());
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "tpc.json"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "disclosure.json"));
  EXPECT_TRUE(j["disclosure"].contains("machine"));
}

TEST(Tpc, ALimitNoRateCanMeetReportsNoSustainableRate) {
  TempDir dir;
  auto o = industry::default_tpc_options();
  o.out_dir = dir.path();
  o.time_scale = 0.01;
  o.terminals = 2;
  o.latency = "fixed:1ms";
  o.p90_limit_s[industry::kPayment] = 1e-6;
  o.search.start_rate = 50;
  o.search.max_rate = 50;
  o.search.min_rate = 50;
  const auto r = industry::run_tpc(o);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.json["status"], "no_sustainable_rate");
  EXPECT_FALSE(r.json["headline"]["slo_met"].get<bool>());
}

TEST(Tpc, BadOptionsAreUsageErrors) {
  auto o = industry::default_tpc_options();
  o.out_dir = "/tmp/never-written";
  o.time_scale = 0;
  EXPECT_THROW(industry::run_tpc(o), industry::UsageError);
  o.time_scale = 0.1;
  o.latency = "sometimes";
  EXPECT_THROW(industry::run_tpc(o), industry::UsageError);
  o.latency = "none";
  o.framework = "nope";
  EXPECT_THROW(industry::run_tpc(o), industry::UsageError);
}

TEST(Enterprise, PostsEveryValidDocumentExactlyOnce) {
  TempDir dir;
  industry::EnterpriseOptions o;
  o.out_dir = dir.path();
  o.documents = 120;  // holds resubmitted, invalid and crashing documents
  o.workers = 3;
  o.latency = "none";
  o.review = "fixed:1ms";
  o.review_timeout_ms = 5;
  const auto r = industry::run_enterprise(o);
  ASSERT_EQ(r.exit_code, 0) << r.json.dump();
  const Json& j = r.json;
  EXPECT_TRUE(j["headline"]["exactly_once"].get<bool>());
  EXPECT_GT(j["workflow"]["injected_failures"].get<int>(), 0);
  EXPECT_EQ(j["workflow"]["repeated_postings_absorbed"], j["workflow"]["injected_failures"]);
  EXPECT_GT(j["workflow"]["rejected"].get<int>(), 0);
  EXPECT_EQ(j["audit"]["postings"]["rows"], j["audit"]["postings"]["valid_documents"]);
  EXPECT_EQ(j["audit"]["documents"]["lost"], 0);
  EXPECT_TRUE(j["latency"]["processing"].contains("p999_ms"));
}

TEST(Enterprise, EscalatesWhenTheReviewerIsSlowerThanTheTimeout) {
  TempDir dir;
  industry::EnterpriseOptions o;
  o.out_dir = dir.path();
  o.documents = 50;
  o.workers = 2;
  o.latency = "none";
  o.review = "fixed:20ms";
  o.review_timeout_ms = 1;
  o.supervisor = "fixed:1ms";
  const auto r = industry::run_enterprise(o);
  ASSERT_EQ(r.exit_code, 0) << r.json.dump();
  // Every attempt escalates or is rejected; a document retried after the injected crash asks
  // again.
  const auto& w = r.json["workflow"];
  EXPECT_EQ(w["escalated"].get<int>() + w["rejected"].get<int>(),
            50 + w["injected_failures"].get<int>());
}

TEST(Scalability, VerticalFitsTheUslWithIntervalsAndAVerdict) {
  TempDir dir;
  industry::ScalabilityOptions o;
  o.out_dir = dir.path();
  o.instances = {};
  o.threads = {1, 2, 3};
  o.repetitions = 2;
  o.tasks_per_instance = 12;
  o.latency = "fixed:2ms";
  const auto r = industry::run_scalability(o);
  ASSERT_EQ(r.exit_code, 0) << r.json.dump();
  const Json& v = r.json["vertical"];
  ASSERT_TRUE(v["usl"].contains("sigma")) << v.dump();
  EXPECT_LE(v["usl"]["sigma_ci"]["lower"].get<double>(), v["usl"]["sigma"].get<double>());
  EXPECT_GE(v["usl"]["sigma_ci"]["upper"].get<double>(), v["usl"]["sigma"].get<double>());
  EXPECT_TRUE(v["verdict"]["result"] == "pass" || v["verdict"]["result"] == "fail" ||
              v["verdict"]["result"] == "inconclusive");
  EXPECT_EQ(v["levels"].size(), 3u);
  EXPECT_TRUE(v["levels"][1].contains("overhead_ci"));
}

TEST(Scalability, HorizontalWithoutPostgresFailsSayingSo) {
  TempDir dir;
  industry::ScalabilityOptions o;
  o.out_dir = dir.path();
  o.instances = {1, 2};
  o.threads = {};
  o.pg_url = "";
  const auto r = industry::run_scalability(o);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.json["horizontal"]["error"].get<std::string>().find("needs PostgreSQL"),
            std::string::npos);
  o.instances = {0};
  EXPECT_THROW(industry::run_scalability(o), industry::UsageError);
}

}  // namespace
