#include "industry/enterprise.hpp"

#include <unistd.h>

#include <ostream>
#include <set>
#include <thread>

#include "industry/disclosure.hpp"
#include "industry/store_pool.hpp"
#include "legion/error.hpp"
#include "legion/splitmix64.hpp"
#include "stress/history.hpp"
#include "stress/metrics.hpp"
#include "stress/monitor.hpp"
#include "stress/observed_store.hpp"
#include "stress/tracker.hpp"
#include "stress/workers.hpp"

namespace industry {
namespace {

using legion::store::TaskSpec;
using stress::SteadyClock;

bool invalid_document(std::uint64_t doc) {
  return doc % 23 == 7;
}
bool resubmitted(std::uint64_t doc) {
  return doc % 50 == 3;
}
bool crashes_after_posting(std::uint64_t doc) {
  return doc % 97 == 11;
}

std::string vendor_of(std::uint64_t doc, std::uint64_t seed) {
  return "V" + std::to_string(legion::mix64(seed ^ doc) % 900 + 100);
}
std::int64_t total_of(std::uint64_t doc, std::uint64_t seed) {
  return static_cast<std::int64_t>(legion::mix64(seed + doc * 31) % 99000 + 1000);
}

std::string document_text(std::uint64_t doc, std::uint64_t seed) {
  return "document " + std::to_string(doc) + ": invoice from vendor " + vendor_of(doc, seed) +
         ", 3 lines, total " + std::to_string(total_of(doc, seed)) + " EUR, due in 30 days";
}

struct Counters {
  std::atomic<std::uint64_t> escalated{0}, rejected{0}, posted{0}, repeated_postings{0},
      injected_failures{0};
};

struct Shared {
  Shared(const EnterpriseOptions& options, const std::string& postings_url, legion::LatencyModel r,
         legion::LatencyModel s)
      : o(options), postings(postings_url), review(r), supervisor(s) {}
  const EnterpriseOptions& o;
  StorePool postings;
  Counters counters;
  legion::LatencyModel review, supervisor;
};

WorkClass workflow(const std::shared_ptr<Shared>& shared) {
  WorkClass c;
  c.name = "document";
  legion::adapters::Scenario& s = c.scenario;
  s.id = "enterprise_document";
  s.source = "legion-industry";
  s.pattern = legion::adapters::Pattern::kPipeline;
  s.tools = {"read_document", "validate_fields", "request_approval", "post_document"};
  s.agents = {
      {"extractor", "a document clerk", "extract the invoice fields", "", {"read_document"}},
      {"validator", "a validator", "check the fields", "", {"validate_fields"}},
      {"approver", "an approvals officer", "get the document approved", "", {"request_approval"}},
      {"poster", "a bookkeeper", "post approved documents", "", {"post_document"}}};
  s.tasks = {
      "Extract the fields of the incoming document.\n[[script]]\ncall read_document {}\n"
      R"(answer doc {{find:document (\d+)}} vendor {{find:vendor (\w+)}} total {{find:total (\d+)}})"
      "\n[[/script]]",
      "Validate: {{input}}\n[[script]]\n"
      R"(call validate_fields {"doc": "{{find:doc (\\d+)}}", "vendor": "{{find:vendor (\\w+)}}", "total": "{{find:total (\\d+)}}"})"
      "\n"
      R"(answer doc {{find:doc (\d+)}} {{result}})"
      "\n[[/script]]",
      "Get approval: {{input}}\n[[script]]\n"
      R"(call request_approval {"doc": "{{find:doc (\\d+)}}", "validation": "{{find:doc \\d+ (valid|invalid)}}"})"
      "\n"
      R"(answer doc {{find:doc (\d+)}} {{result}})"
      "\n[[/script]]",
      "Post if approved: {{input}}\n[[script]]\n"
      R"(call post_document {"doc": "{{find:doc (\\d+)}}", "decision": "{{find:doc \\d+ (approved|rejected)}}"})"
      "\nanswer {{result}}\n[[/script]]"};
  s.pipeline_input = "incoming document";
  s.min_model_calls = "8";
  c.tools = [shared](JobContext& ctx) {
    const std::uint64_t seed = shared->o.seed;
    return std::vector<legion::Tool>{
        make_tool("read_document", "Read the document being processed.", {},
                  [&ctx, seed](const Json&) { return Json(document_text(ctx.get().id, seed)); }),
        make_tool("validate_fields", "Validate an invoice's extracted fields.",
                  {"doc:integer", "vendor:string", "total:integer"},
                  [seed](const Json& a) {
                    const auto doc = static_cast<std::uint64_t>(json_integer(a.at("doc")));
                    const bool fields = a.at("vendor").get<std::string>() == vendor_of(doc, seed) &&
                                        json_integer(a.at("total")) == total_of(doc, seed);
                    if (!fields) return Json("invalid: the fields do not match the document");
                    return Json(invalid_document(doc) ? "invalid: purchase order not found"
                                                      : "valid");
                  }),
        make_tool("request_approval", "Ask a human approver; escalates to a supervisor on timeout.",
                  {"doc:integer", "validation:string"},
                  [shared](const Json& a) {
                    const auto doc = static_cast<std::uint64_t>(json_integer(a.at("doc")));
                    const auto& o = shared->o;
                    if (a.at("validation").get<std::string>() != "valid") {
                      ++shared->counters.rejected;
                      return Json("rejected (failed validation)");
                    }
                    // The reviewer answers after a seeded delay; past the timeout we stop waiting.
                    const auto delay = shared->review.sample(o.seed, doc, 0);
                    const auto timeout = std::chrono::nanoseconds(
                        static_cast<std::int64_t>(o.review_timeout_ms * 1e6));
                    if (delay <= timeout) {
                      std::this_thread::sleep_for(delay);
                      return Json("approved by reviewer");
                    }
                    std::this_thread::sleep_for(timeout);
                    ++shared->counters.escalated;
                    std::this_thread::sleep_for(shared->supervisor.sample(o.seed, doc, 0));
                    return Json("approved by supervisor after escalation");
                  }),
        make_tool(
            "post_document", "Post an approved document to the ledger (idempotent).",
            {"doc:integer", "decision:string"}, [shared](const Json& a) {
              const auto doc = json_integer(a.at("doc"));
              if (a.at("decision").get<std::string>() != "approved") {
                return Json("doc " + std::to_string(doc) + " not posted (rejected)");
              }
              const bool created = shared->postings.with([&](auto& store) {
                return store
                    .submit(TaskSpec{"post-" + std::to_string(doc), Json{{"doc", doc}}.dump(), 0})
                    .created;
              });
              ++(created ? shared->counters.posted : shared->counters.repeated_postings);
              return Json("doc " + std::to_string(doc) + (created ? " posted" : " already posted"));
            })};
  };
  c.check = [](const Job& job, const std::string& answer) -> std::string {
    const std::string doc = "doc " + std::to_string(job.id);
    const bool ok = invalid_document(job.id)
                        ? answer == doc + " not posted (rejected)"
                        : answer == doc + " posted" || answer == doc + " already posted";
    return ok ? "" : "answered '" + answer + "'";
  };
  return c;
}

}  // namespace

BenchmarkResult run_enterprise(const EnterpriseOptions& o) {
  if (o.out_dir.empty()) throw UsageError("--out DIR is required");
  if (!(o.time_scale > 0 && o.time_scale <= 1)) throw UsageError("--time-scale must be in (0, 1]");
  if (o.documents < 1) throw UsageError("--documents must be >= 1");
  if (o.workers < 1) throw UsageError("--workers must be >= 1");
  if (!(o.review_timeout_ms > 0)) throw UsageError("--review-timeout-ms must be > 0");
  legion::LatencyModel review, supervisor, latency;
  try {
    latency = legion::LatencyModel::parse(o.latency);
    review = legion::LatencyModel::parse(o.review);
    supervisor = legion::LatencyModel::parse(o.supervisor);
  } catch (const std::exception& e) {
    throw UsageError(e.what());
  }
  const auto documents = static_cast<std::uint64_t>(
      std::max<long long>(std::min<long long>(50, o.documents),
                          std::llround(static_cast<double>(o.documents) * o.time_scale)));
  const auto stores = o.out_dir / "stores";
  std::filesystem::create_directories(stores);
  for (const char* name : {"enterprise-docs.db", "enterprise-postings.db"}) {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(stores / (std::string(name) + suffix));
  }
  const std::string docs_url = "sqlite://" + (stores / "enterprise-docs.db").string();
  auto shared = std::make_shared<Shared>(
      o, "sqlite://" + (stores / "enterprise-postings.db").string(), review, supervisor);
  const std::vector<WorkClass> classes = {workflow(shared)};
  const Json config = {{"framework", o.framework},
                       {"documents", documents},
                       {"documents_full_scale", o.documents},
                       {"time_scale", o.time_scale},
                       {"seed", o.seed},
                       {"workers", o.workers},
                       {"model_latency", latency.spec()},
                       {"review", review.spec()},
                       {"review_timeout_ms", o.review_timeout_ms},
                       {"supervisor", supervisor.spec()},
                       {"store", "sqlite (synchronous=full): documents and postings files"}};
  BenchmarkResult result;
  Json& j = result.json;
  j = {{"benchmark", "enterprise"}, {"framework", o.framework}};

  std::vector<std::unique_ptr<Slot>> slots;
  try {
    for (int w = 0; w < o.workers; ++w)
      slots.push_back(std::make_unique<Slot>(RunSettings{o.framework, o.seed, latency}, classes));
  } catch (const Unsupported& e) {
    return unsupported_result(j, e.what(), disclosure(o.command_line, config, o.framework, ""),
                              o.out_dir / "enterprise.json");
  }
  const std::string version = slots.front()->version();

  const auto start = SteadyClock::now();
  stress::Metrics metrics(start, std::chrono::seconds(600), std::chrono::seconds(1));
  stress::History history(documents + 1);
  stress::Tracker tracker(documents + 1, metrics, history);
  stats::LatencyHistogram processing;
  std::mutex processing_mutex, error_mutex;
  std::string first_error;
  SlotsByThread slot_of(slots);

  auto handler = [&](const legion::store::Task& task) -> std::string {
    Slot* slot = &slot_of.mine();
    const Json payload = Json::parse(task.payload);
    const auto doc = payload.at("doc").get<std::uint64_t>();
    const auto began = SteadyClock::now();
    const auto r = slot->run(0, {doc, payload});
    if (!r.error.empty()) {
      std::lock_guard lock(error_mutex);
      if (first_error.empty()) first_error = "doc " + std::to_string(doc) + ": " + r.error;
      throw legion::Error(r.error);
    }
    if (crashes_after_posting(doc) && task.attempts == 1) {
      ++shared->counters.injected_failures;
      throw legion::Error("injected: the worker died after posting, before acknowledging");
    }
    {
      std::lock_guard lock(processing_mutex);
      processing.record(static_cast<std::uint64_t>((SteadyClock::now() - began).count()));
    }
    return Json{{"doc", doc}, {"answer", r.outcome.answer}}.dump();
  };

  stress::ResourceMonitor monitor({::getpid()}, 10.0);
  monitor.start();
  {
    // Intake: every document, in batches of 500, a few twice; latency counts from here.
    auto intake = legion::store::open_store(docs_url);
    std::vector<TaskSpec> batch;
    std::vector<std::uint64_t> ids;
    auto flush = [&] {
      intake->submit_batch(batch);
      for (auto id : ids) tracker.invoked(id);
      batch.clear();
      ids.clear();
    };
    for (std::uint64_t doc = 1; doc <= documents; ++doc) {
      const auto now = SteadyClock::now();
      tracker.dispatched(doc, start, now, false);
      const std::string payload = Json{{"doc", doc}}.dump();
      batch.push_back({"doc-" + std::to_string(doc), payload, 0});
      ids.push_back(doc);
      if (resubmitted(doc)) batch.push_back({"doc-" + std::to_string(doc), payload, 0});
      if (batch.size() >= 500) flush();
    }
    if (!batch.empty()) flush();
  }
  stress::StoreObserver observer;
  observer.on_completed = [&](const std::string&, const legion::store::Completion& done) {
    const Json r = Json::parse(done.result, nullptr, false);
    if (r.is_object() && r.contains("doc")) tracker.completed(r["doc"].get<std::uint64_t>(), true);
  };
  observer.on_dead = [&](const std::string& key) { tracker.failed(std::stoull(key.substr(4))); };
  stress::WorkerThreads workers(
      [&] { return stress::observe_store(legion::store::open_store(docs_url), observer); }, handler,
      o.workers, 4);
  workers.start();
  std::thread progress;
  std::atomic<bool> done{false};
  if (o.progress) {
    progress = std::thread([&] {
      while (!done.load()) {
        for (int i = 0; i < 20 && !done.load(); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        *o.progress << "legion-industry enterprise " << o.framework << ": "
                    << tracker.finished_count() << "/" << documents << " documents\n";
      }
    });
  }
  const auto drained_at = tracker.drain(std::chrono::seconds(3600));
  done = true;
  if (progress.joinable()) progress.join();
  workers.stop();
  monitor.stop();
  history.close_open_operations();
  const double elapsed_s = std::chrono::duration<double>(drained_at - start).count();

  // The audit: the drained documents store against the history, then the postings.
  auto docs = legion::store::open_store(docs_url);
  stress::Drained drained;
  for (std::int64_t after = 0;;) {
    const auto page = docs->list(after, 1000);
    if (page.empty()) break;
    for (const auto& t : page) {
      const auto id = std::stoull(t.key.substr(4));
      if (t.state == legion::store::TaskState::kDone) {
        drained.completed.push_back(id);
      } else if (t.state == legion::store::TaskState::kDead) {
        drained.failed.push_back(id);
      } else {
        ++drained.pending;
      }
    }
    after = page.back().id;
  }
  const auto audit = stress::audit(history, drained);
  const auto ledger = docs->verify(true);
  std::set<std::uint64_t> posted;
  std::uint64_t posting_rows = 0, wrong_postings = 0;
  {
    auto postings = legion::store::open_store(shared->postings.url());
    for (std::int64_t after = 0;;) {
      const auto page = postings->list(after, 1000);
      if (page.empty()) break;
      for (const auto& t : page) {
        ++posting_rows;
        const auto doc = std::stoull(t.key.substr(5));
        if (doc < 1 || doc > documents || invalid_document(doc)) ++wrong_postings;
        posted.insert(doc);
      }
      after = page.back().id;
    }
  }
  std::uint64_t valid = 0, missing = 0;
  for (std::uint64_t doc = 1; doc <= documents; ++doc) {
    if (invalid_document(doc)) continue;
    ++valid;
    missing += posted.count(doc) == 0;
  }
  const bool exactly_once =
      audit.pass() && ledger.ok() && missing == 0 && wrong_postings == 0 && posting_rows == valid;

  const auto samples = monitor.samples();
  const double cpu_s = cpu_seconds(samples, 0, 1e18);
  std::int64_t rss_peak = 0;
  for (const auto& s : samples) rss_peak = std::max(rss_peak, s.rss_kb);
  const double per_k = audit.ok > 0 ? 1000.0 / static_cast<double>(audit.ok) : NAN;
  j["framework_version"] = version;
  j["status"] = first_error.empty() && exactly_once ? "ok" : "error";
  if (!first_error.empty()) j["error"] = first_error;
  if (first_error.empty() && !exactly_once) j["error"] = "the exactly-once audit failed";
  j["headline"] = {{"documents", documents},
                   {"throughput_docs_per_s", static_cast<double>(audit.ok) / elapsed_s},
                   {"elapsed_s", elapsed_s},
                   {"exactly_once", exactly_once}};
  j["latency"] = {{"processing", percentiles_ms(processing)},
                  {"end_to_end", metrics.percentiles_json()["latency_corrected"]}};
  j["workflow"] = {{"escalated", shared->counters.escalated.load()},
                   {"rejected", shared->counters.rejected.load()},
                   {"posted", shared->counters.posted.load()},
                   {"repeated_postings_absorbed", shared->counters.repeated_postings.load()},
                   {"injected_failures", shared->counters.injected_failures.load()},
                   {"intake_resubmissions", documents / 50 + (documents % 50 >= 3 ? 1 : 0)}};
  j["audit"] = {{"exactly_once", exactly_once},
                {"documents",
                 {{"invoked", audit.invoked},
                  {"ok", audit.ok},
                  {"failed", audit.fail},
                  {"unfinished", audit.info},
                  {"lost", audit.lost},
                  {"unexpected", audit.unexpected},
                  {"duplicated", audit.duplicated}}},
                {"store_ledger", ledger_json(ledger)},
                {"postings",
                 {{"valid_documents", valid},
                  {"rows", posting_rows},
                  {"missing", missing},
                  {"posted_but_invalid_or_unknown", wrong_postings}}}};
  j["resources"] = {{"cpu_s_per_1000_docs", cpu_s * per_k},
                    {"rss_peak_mb", static_cast<double>(rss_peak) / 1024.0},
                    {"monitor_cpu_percent", monitor.own_cpu_percent()}};
  j["config"] = config;
  j["disclosure"] = disclosure(o.command_line, config, o.framework, version);
  write_json(o.out_dir / "enterprise.json", j);
  result.exit_code = j["status"] == "ok" ? 0 : 1;
  return result;
}

}  // namespace industry
