// `legion` as a service, end to end through the executable: workflow tasks submitted and
// worked off, a task SIGKILLed mid-pattern resuming from its checkpoint on another worker with
// the same output hash, SIGTERM draining without leaving a lease held, the operator's tasks
// commands, and the acceptance scenario (inputs worked off by two workers killed and restarted
// several times: each done exactly once with an uninterrupted run's output hash).
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "cli/legion_process.hpp"

namespace legion::cli {
namespace {

using nlohmann::json;
using store::testing::ChildProcess;
using namespace std::chrono_literals;

// The example pipeline (2 stages, 2 model calls each) with `latency` per model call.
json slow_pipeline(const std::string& latency) {
  json spec = json::parse(std::ifstream(kExample));
  spec["model"]["latency"] = latency;
  return spec;
}

class WorkflowService : public LegionExecutable {
 protected:
  std::string inputs(int count, const std::string& prefix = "in") {
    std::string text;
    for (int i = 0; i < count; ++i) {
      text += json{{"key", prefix + std::to_string(i)}, {"input", "request " + std::to_string(i)}}
                  .dump() +
              "\n";
    }
    return write(prefix + ".jsonl", text);
  }
  std::string spec(const json& s, const std::string& name = "spec.json") {
    return write(name, s.dump());
  }
  json tasks(const std::string& url) {
    return json::parse(run("export --store " + url).out)["tasks"];
  }
  json status(const std::string& url) {
    return json::parse(run("status --json --store " + url).out);
  }
  std::vector<std::string> worker_args(const std::string& url, const std::string& id) {
    return {kLegion, "worker", "--store", url, "--id", id};
  }
  // Polls until `count` tasks are leased (the worker has claimed them).
  bool wait_for_leased(int count, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (status(url_)["leased"] == count) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  std::string read(const std::string& path) {
    std::stringstream text;
    text << std::ifstream(path).rdbuf();
    return text.str();
  }
};

TEST_F(WorkflowService, WorkflowTasksAreSubmittedOncePerKeyAndWorkedOff) {
  std::string file = inputs(5);
  auto submitted = run("submit --store " + url_ + " --workflow " + kExample + " --inputs " + file);
  ASSERT_EQ(submitted.code, 0) << submitted.err;
  EXPECT_EQ(submitted.out, "submitted 5 tasks: 5 new, 0 already known\n");
  EXPECT_EQ(run("submit --store " + url_ + " --workflow " + kExample + " --inputs " + file).out,
            "submitted 5 tasks: 0 new, 5 already known\n");
  auto worker = run("worker --store " + url_ + " --drain --concurrency 2");
  ASSERT_EQ(worker.code, 0) << worker.err;
  EXPECT_NE(worker.out.find("completed 5"), std::string::npos) << worker.out;
  EXPECT_EQ(run("verify --store " + url_).code, 0);
  std::set<std::string> hashes;
  for (const auto& task : tasks(url_)) {
    EXPECT_EQ(task["state"], "done");
    EXPECT_EQ(task["result"]["answer"], "Ada reports: The sum is 5");
    EXPECT_EQ(task["result"]["pattern"], "pipeline");
    EXPECT_EQ(task["result"]["workflow"], "task:" + task["key"].get<std::string>());
    EXPECT_EQ(task["result"]["usage"]["model_calls"], 4);
    hashes.insert(task["result"]["hash"].get<std::string>());
  }
  EXPECT_EQ(hashes.size(), 5u) << "each input is its own conversation";
}

TEST_F(WorkflowService, SubmitChecksTheSpecAndEveryInputBeforeQueueingAnything) {
  auto expect_refused = [&](const std::string& args, const std::string& culprit) {
    auto r = run("submit --store " + url_ + " " + args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_NE(r.err.find(culprit), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    // Nothing submitted: the store is not even created (status reads it read-only).
    EXPECT_FALSE(std::filesystem::exists(backend_.dir() + "/store.db")) << args;
  };
  std::string good = inputs(2);
  json bad_agent = json::parse(std::ifstream(kExample));
  bad_agent["pattern"]["stages"][1]["agent"] = "reportr";
  std::string bad_agent_spec = spec(bad_agent, "bad_agent.json");
  expect_refused("--workflow " + bad_agent_spec + " --inputs " + good,
                 "bad_agent.json: workflow: pattern.stages[1].agent: unknown agent 'reportr'");
  json single = {
      {"agents", {{{"name", "a"}, {"instructions", "[[script]]\nanswer hi\n[[/script]]"}}}},
      {"pattern", {{"type", "single"}, {"agent", "a"}, {"task", "no placeholder"}}}};
  expect_refused("--workflow " + spec(single, "single.json") + " --inputs " + good,
                 "pattern.task: has no {{input}}");
  std::string not_text = write("not_text.jsonl",
                               "{\"key\": \"a\", \"input\": \"x\"}\n"
                               "{\"key\": \"b\", \"input\": 7}\n");
  expect_refused("--workflow " + kExample + " --inputs " + not_text,
                 "not_text.jsonl:2: 'input' must be a string");
  std::string no_key = write("no_key.jsonl", "{\"input\": \"x\"}\n");
  expect_refused("--workflow " + kExample + " --inputs " + no_key, "no_key.jsonl:1: 'key'");
  expect_refused("--workflow " + kExample, "--inputs");
  expect_refused("--inputs " + good, "--workflow");
  expect_refused("--workflow " + kExample + " --inputs " + good + " --count 3", "--count");
}

TEST_F(WorkflowService, AWorkerFailsTasksThatAreNotWorkflowsAndTheTestHandlerRunsThem) {
  ASSERT_EQ(run("submit --store " + url_ + " --count 2 --max-attempts 1").code, 0);
  auto worker = run("worker --store " + url_ + " --drain");
  ASSERT_EQ(worker.code, 0) << worker.err;
  auto listed = run("tasks list --state dead --store " + url_);
  EXPECT_NE(listed.out.find("task-0  dead"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("not a workflow task"), std::string::npos) << listed.out;
  EXPECT_NE(worker.err.find("\"event\":\"task_failed\""), std::string::npos) << worker.err;
  // Operable: retried (audited), then worked off by the test handler.
  auto retried = run("tasks retry task-0 task-1 --reason 'test handler' --store " + url_);
  EXPECT_EQ(retried.code, 0) << retried.out;
  EXPECT_EQ(retried.out, "task-0: dead -> queued\ntask-1: dead -> queued\n");
  ASSERT_EQ(run("worker --test-handler --drain --store " + url_).code, 0);
  auto ledger = json::parse(run("verify --store " + url_).out);
  EXPECT_EQ(ledger["done"], 2);
  EXPECT_EQ(ledger["retries"], 2);
  EXPECT_EQ(ledger["ok"], true);
}

TEST_F(WorkflowService, TasksRetryAndCancelAreAuditedAndRefuseWhatWouldDuplicateAnEffect) {
  // Not workflow tasks: the workflow handler dead-letters all three at their one attempt.
  ASSERT_EQ(run("submit --store " + url_ + " --count 3 --max-attempts 1").code, 0);
  ASSERT_EQ(run("worker --drain --store " + url_).code, 0);
  ASSERT_EQ(status(url_)["dead"], 3);
  ASSERT_EQ(run("tasks retry task-0 --store " + url_).code, 0);
  ASSERT_EQ(run("worker --test-handler --drain --store " + url_).code, 0);  // task-0 done
  auto again = run("tasks retry task-0 nope --store " + url_);
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.out.find("task-0: left done (its effect is recorded"), std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("nope: unknown key"), std::string::npos);
  auto cancelled = run("tasks cancel task-1 --actor ops --reason 'bad input' --store " + url_);
  EXPECT_EQ(cancelled.out, "task-1: dead -> cancelled\n");
  EXPECT_EQ(run("tasks retry --all-dead --store " + url_).out, "task-2: dead -> queued\n");
  auto audit = run("tasks audit --store " + url_).out;
  EXPECT_NE(audit.find("\"actor\":\"ops\""), std::string::npos) << audit;
  EXPECT_NE(audit.find("\"reason\":\"bad input\""), std::string::npos) << audit;
  EXPECT_EQ(std::count(audit.begin(), audit.end(), '\n'), 3) << audit;
  auto ledger = json::parse(run("verify --allow-pending --store " + url_).out);
  EXPECT_EQ(ledger["effects"], 1);
  EXPECT_EQ(ledger["duplicated"], 0);
  EXPECT_EQ(ledger["cancelled"], 1);
  EXPECT_EQ(ledger["retries"], 2);
  EXPECT_EQ(ledger["cancels"], 1);
  auto bad = run("tasks list --state zombie --store " + url_);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--state: unknown state 'zombie'"), std::string::npos) << bad.err;
  EXPECT_EQ(run("tasks retry --store " + url_).code, 2) << "no key";
}

TEST_F(WorkflowService, AWorkflowTaskRunsOnAnOpenAICompatibleModel) {
  // A local stand-in for an OpenAI-compatible server: it answers every chat completion with
  // text, and records what it was asked.
  httplib::Server server;
  std::mutex mutex;
  std::vector<json> requests;
  server.Post("/v1/chat/completions", [&](const httplib::Request& request, httplib::Response& r) {
    {
      std::lock_guard lock(mutex);
      requests.push_back(json::parse(request.body));
    }
    r.set_content(json{{"choices", {{{"message", {{"role", "assistant"}, {"content", "42"}}}}}},
                       {"usage", {{"prompt_tokens", 11}, {"completion_tokens", 1}}}}
                      .dump(),
                  "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  json spec = {{"name", "remote"},
               {"model",
                {{"type", "openai"},
                 {"base_url", "http://127.0.0.1:" + std::to_string(port)},
                 {"model", "test-model"},
                 {"api_key_env", "LEGION_TEST_NO_SUCH_KEY"},
                 {"max_retries", 0}}},
               {"agents", {{{"name", "a"}, {"role", "answers"}}}},
               {"pattern", {{"type", "single"}, {"agent", "a"}, {"task", "Question: {{input}}"}}}};
  std::string file = inputs(2);
  auto submitted =
      run("submit --store " + url_ + " --workflow " + this->spec(spec) + " --inputs " + file);
  ASSERT_EQ(submitted.code, 0) << submitted.err;
  auto worker = run("worker --drain --store " + url_);
  server.stop();
  serving.join();
  ASSERT_EQ(worker.code, 0) << worker.err;
  for (const auto& task : tasks(url_)) {
    EXPECT_EQ(task["state"], "done");
    EXPECT_EQ(task["result"]["answer"], "42");
    EXPECT_EQ(task["result"]["usage"]["prompt_tokens"], 11);
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0]["model"], "test-model");
  EXPECT_NE(requests[0]["messages"].dump().find("Question: request"), std::string::npos)
      << "the input reached the model";
  auto bad =
      run("submit --store " + url_ + " --workflow " +
          this->spec({{"agents", {{{"name", "a"}}}},
                      {"model", {{"type", "openai"}, {"model", "m"}}},
                      {"pattern", {{"type", "single"}, {"agent", "a"}, {"task", "{{input}}"}}}},
                     "no_url.json") +
          " --inputs " + file);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("model.base_url: is required"), std::string::npos) << bad.err;
}

TEST_F(WorkflowService, AnAgentsMemoryIsSearchedThroughItsTool) {
  json spec = {
      {"agents",
       {{{"name", "keeper"},
         {"memory", {"the vault code is 7319", {{"id", "note"}, {"text", "nothing here"}}}},
         {"instructions",
          "[[script]]\ncall search_memory {\"query\": \"vault code\"}\nanswer code "
          "{{find:vault code is (\\d+)}}\n[[/script]]"}}}},
      {"pattern", {{"type", "single"}, {"agent", "keeper"}, {"task", "What is the code?"}}}};
  auto result = run("run " + this->spec(spec));
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(json::parse(result.out)["answer"], "code 7319");
  spec["agents"][0]["memory"] = {{{"id", "x"}, {"text", "a"}}, {{"id", "x"}, {"text", "b"}}};
  auto duplicate = run("run " + this->spec(spec, "dup.json"));
  EXPECT_EQ(duplicate.code, 2);
  EXPECT_NE(duplicate.err.find("agents[0].memory"), std::string::npos) << duplicate.err;
}

TEST_F(WorkflowService, StatusWatchPrintsALinePerRefresh) {
  ASSERT_EQ(run("submit --store " + url_ + " --count 4").code, 0);
  auto watch = run("status --watch --interval-ms 50 --count 3 --json --store " + url_);
  ASSERT_EQ(watch.code, 0) << watch.err;
  std::istringstream lines(watch.out);
  std::string line;
  int n = 0;
  for (; std::getline(lines, line); ++n) {
    auto j = json::parse(line);
    EXPECT_EQ(j["queued"], 4);
    EXPECT_EQ(j["done_per_s"].is_null(), n == 0) << "a rate from the second line on";
  }
  EXPECT_EQ(n, 3);
}

TEST_F(WorkflowService, AWorkflowTaskKilledMidPatternResumesFromItsCheckpointOnAnotherWorker) {
  // 300 ms per model call, two calls per stage: killed once stage 1 is checkpointed, 0.6 s
  // before stage 2 could be.
  std::string slow = spec(slow_pipeline("fixed:300ms"), "slow.json");
  std::string file = inputs(1, "job");
  ASSERT_EQ(run("submit --store " + url_ + " --workflow " + slow + " --inputs " + file).code, 0);
  {
    ChildProcess first({kLegion, "worker", "--store", url_, "--id", "first", "--lease-ms", "1000"});
    ASSERT_TRUE(wait_for_checkpoint("task:job0", 1, 60s));
    first.kill9();
  }
  EXPECT_EQ(status(url_)["leased"], 1) << "the victim died holding the task";
  auto second = run("worker --store " + url_ + " --id second --drain");
  ASSERT_EQ(second.code, 0) << second.err;
  auto task = tasks(url_)[0];
  ASSERT_EQ(task["state"], "done");
  EXPECT_EQ(task["attempts"], 2);
  EXPECT_EQ(task["result"]["resumed_from_step"], 1) << "stage 1 was done before the kill";
  EXPECT_EQ(task["result"]["model_calls_total"], 2) << "only stage 2 ran again";

  // The same task uninterrupted, on a store of its own.
  store::testing::SqliteBackend other;
  ASSERT_EQ(run("submit --store " + other.url() + " --workflow " + slow + " --inputs " + file).code,
            0);
  ASSERT_EQ(run("worker --store " + other.url() + " --drain").code, 0);
  auto reference = tasks(other.url())[0];
  EXPECT_EQ(reference["result"]["resumed_from_step"], 0);
  EXPECT_EQ(task["result"]["hash"], reference["result"]["hash"])
      << "the resumed task did the same work as an uninterrupted one";
  EXPECT_EQ(task["result"]["answer"], reference["result"]["answer"]);
  auto ledger = json::parse(run("verify --store " + url_).out);
  EXPECT_EQ(ledger["effects"], 1);
  EXPECT_EQ(ledger["ok"], true);
}

TEST_F(WorkflowService, SigtermFinishesTheRunningTasksReleasesTheRestAndHoldsNoLease) {
  // 4 model calls of 150 ms: 0.6 s per task. Two threads claim 3 tasks each.
  std::string slow = spec(slow_pipeline("fixed:150ms"));
  ASSERT_EQ(run("submit --store " + url_ + " --workflow " + slow + " --inputs " + inputs(6)).code,
            0);
  std::string out = backend_.dir() + "/drain";
  ChildProcess worker({kLegion, "worker", "--store", url_, "--concurrency", "2", "--batch", "3",
                       "--stop-grace-ms", "10000"},
                      out);
  ASSERT_TRUE(wait_for_leased(6, 30s));
  const auto sent = std::chrono::steady_clock::now();
  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait(5s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 5s) << "one task's time, not the batch's";
  auto now = status(url_);
  EXPECT_EQ(now["leased"], 0) << "no lease left held";
  EXPECT_EQ(now["done"], 2) << "the two running tasks finished";
  EXPECT_EQ(now["queued"], 4) << "the four not started went back at once";
  for (const auto& task : tasks(url_)) {
    if (task["state"] == "queued") {
      EXPECT_EQ(task["attempts"], 0) << "no attempt spent";
    }
  }
  EXPECT_NE(read(out + ".out").find("released 4"), std::string::npos) << read(out + ".out");
  std::string log = read(out + ".err");
  EXPECT_NE(log.find("\"event\":\"stop_requested\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"signal\":\"SIGTERM\""), std::string::npos) << log;
  EXPECT_EQ(run("verify --allow-pending --store " + url_).code, 0);
}

TEST_F(WorkflowService, PastTheGraceDeadlineTheLeasesAreReleasedAndAnotherWorkerResumes) {
  // 2 s per model call: a stage takes 4 s, far beyond the 300 ms grace.
  std::string slow = spec(slow_pipeline("fixed:2s"));
  ASSERT_EQ(run("submit --store " + url_ + " --workflow " + slow + " --inputs " + inputs(1)).code,
            0);
  std::string out = backend_.dir() + "/forced";
  ChildProcess worker({kLegion, "worker", "--store", url_, "--stop-grace-ms", "300"}, out);
  ASSERT_TRUE(wait_for_leased(1, 30s));
  std::this_thread::sleep_for(200ms);  // inside the first model call
  const auto sent = std::chrono::steady_clock::now();
  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait(5s), 0) << read(out + ".err");
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 3s)
      << "the deadline bounds the stop (the stage had 3.5 s to go)";
  EXPECT_EQ(status(url_)["leased"], 0) << "no lease left held";
  EXPECT_NE(read(out + ".out").find("1 of 1 leases released"), std::string::npos)
      << read(out + ".out");
  EXPECT_NE(read(out + ".err").find("\"event\":\"stopped_at_deadline\""), std::string::npos);
  auto task = tasks(url_)[0];
  EXPECT_EQ(task["state"], "queued");
  EXPECT_EQ(task["attempts"], 0);
}

TEST_F(WorkflowService, BadWorkerOptionsAreOneLineWithExit2) {
  auto addr = run("worker --store " + url_ + " --metrics-addr nowhere");
  EXPECT_EQ(addr.code, 2);
  EXPECT_NE(addr.err.find("--metrics-addr: expected HOST:PORT"), std::string::npos) << addr.err;
  auto port = run("worker --store " + url_ + " --metrics-addr 127.0.0.1:99999");
  EXPECT_EQ(port.code, 2);
  EXPECT_NE(port.err.find("not a port"), std::string::npos) << port.err;
  auto level = run("worker --store " + url_ + " --log-level chatty");
  EXPECT_EQ(level.code, 2);
  EXPECT_NE(level.err.find("--log-level: unknown level 'chatty'"), std::string::npos) << level.err;
  // A port another socket listens on.
  int holder = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(holder, 1), 0);
  socklen_t length = sizeof address;
  ::getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length);
  const int taken = ntohs(address.sin_port);
  auto busy = run("worker --store " + url_ + " --metrics-addr 127.0.0.1:" + std::to_string(taken));
  EXPECT_EQ(busy.code, 2);
  EXPECT_NE(busy.err.find("cannot listen on"), std::string::npos) << busy.err;
  EXPECT_EQ(std::count(busy.err.begin(), busy.err.end(), '\n'), 1) << busy.err;
  ::close(holder);
}

// The acceptance scenario at CI size: LEGION_ACCEPTANCE_INPUTS inputs (default 300;
// the documented full run uses 1000) through two workers SIGKILLed and restarted several times,
// then `legion verify`: every input done exactly once, with the output hash of an uninterrupted
// run; a worker's /metrics shows the counters.
TEST_F(WorkflowService, AcceptanceInputsSurviveTwoWorkersKilledAndRestarted) {
  const char* env = std::getenv("LEGION_ACCEPTANCE_INPUTS");
  const int n = env ? std::atoi(env) : 300;
  ASSERT_GT(n, 0);
  // 12 ms per model call, 48 ms per task: the kills land mid-run.
  std::string slow = spec(slow_pipeline("fixed:12ms"));
  std::string file = inputs(n);

  store::testing::SqliteBackend reference_store;
  ASSERT_EQ(
      run("submit --store " + reference_store.url() + " --workflow " + slow + " --inputs " + file)
          .code,
      0);
  ASSERT_EQ(run("worker --drain --concurrency 8 --store " + reference_store.url()).code, 0);
  std::map<std::string, std::string> reference;
  for (const auto& task : tasks(reference_store.url())) {
    reference[task["key"]] = task["result"]["hash"];
  }
  ASSERT_EQ(reference.size(), static_cast<std::size_t>(n));

  ASSERT_EQ(run("submit --store " + url_ + " --workflow " + slow + " --inputs " + file).code, 0);
  // LEGION_SEED replays a run's kill times (the seed is printed).
  const char* seed_env = std::getenv("LEGION_SEED");
  const unsigned seed = seed_env ? static_cast<unsigned>(std::strtoul(seed_env, nullptr, 10))
                                 : std::random_device{}();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  auto start = [&](const std::string& id, bool drain, bool metrics) {
    std::vector<std::string> args = {kLegion,   "worker", "--store",       url_,
                                     "--id",    id,       "--concurrency", "2",
                                     "--batch", "4",      "--lease-ms",    "1000"};
    if (drain) args.push_back("--drain");
    if (metrics) {
      args.push_back("--metrics-addr");
      args.push_back("127.0.0.1:0");
    }
    return std::make_unique<ChildProcess>(args, backend_.dir() + "/" + id);
  };
  bool scraped = false;
  int kills = 0;
  for (int round = 0; round < 4; ++round) {
    auto a = start("a" + std::to_string(round), false, round == 0);
    auto b = start("b" + std::to_string(round), false, false);
    std::this_thread::sleep_for(std::chrono::milliseconds(400 + rng() % 500));
    if (round == 0) {
      // The acceptance's `curl 127.0.0.1:PORT/metrics`: the counters are there.
      std::string log = read(backend_.dir() + "/a0.err");
      auto at = log.find("\"addr\":\"127.0.0.1:");
      ASSERT_NE(at, std::string::npos) << log;
      int port = std::atoi(log.c_str() + at + std::string("\"addr\":\"127.0.0.1:").size());
      httplib::Client client("127.0.0.1", port);
      auto response = client.Get("/metrics");
      ASSERT_TRUE(response);
      EXPECT_EQ(response->status, 200);
      for (const char* counter :
           {"legion_worker_tasks_claimed_total", "legion_worker_tasks_completed_total",
            "legion_model_calls_total", "legion_queue_tasks{state=\"done\"}"}) {
        EXPECT_NE(response->body.find(counter), std::string::npos) << counter;
      }
      scraped = true;
    }
    a->kill9();
    ++kills;
    if (rng() % 2 == 0) {
      b->kill9();
      ++kills;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 300));
      b->kill9();
      ++kills;
    }
  }
  EXPECT_TRUE(scraped);
  auto mid = status(url_);
  EXPECT_LT(mid["done"].get<int>(), n) << "the kills must land before the end (else grow n)";
  auto a = start("a-final", true, false);
  auto b = start("b-final", true, false);
  EXPECT_EQ(a->wait(300s), 0);
  EXPECT_EQ(b->wait(300s), 0);

  auto verify = run("verify --store " + url_);
  EXPECT_EQ(verify.code, 0) << verify.out;
  auto ledger = json::parse(verify.out);
  EXPECT_EQ(ledger["accepted"], n);
  EXPECT_EQ(ledger["done"], n);
  EXPECT_EQ(ledger["effects"], n) << "exactly once";
  EXPECT_EQ(ledger["lost"], 0);
  EXPECT_EQ(ledger["duplicated"], 0);
  EXPECT_EQ(ledger["unexpected"], 0);
  int resumed = 0, same = 0;
  for (const auto& task : tasks(url_)) {
    same += reference[task["key"]] == task["result"]["hash"] ? 1 : 0;
    resumed += task["result"]["resumed_from_step"].get<int>() > 0 ? 1 : 0;
  }
  EXPECT_EQ(same, n) << "every output hash equals the uninterrupted run's";
  std::cout << "acceptance: " << n << " inputs, " << kills << " SIGKILLs, " << resumed
            << " tasks resumed from a checkpoint, seed " << seed << "\n";
}

}  // namespace
}  // namespace legion::cli
